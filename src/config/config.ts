/**
 * camnet's configuration: one validated object built once at start-up from the
 * environment. Nothing else in the code base reads process.env; a bad value stops
 * the start with a message that names the variable and what it should be.
 */
import * as path from 'node:path';
import { MailConfig, parseMailConfig } from './mail-config';

export interface CamnetConfig {
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  /** Database connections; 1 on PGlite, whose socket server cannot interleave sessions. */
  dbPoolSize: number;
  mqttUrl: string | null;
  mqttEmbeddedPort: number;
  mqttSharedGroup: string | null;
  simulator: boolean;
  seed: 'auto' | 'on' | 'off';
  bootstrapToken: string | null;
  pollIntervalS: number;
  probeTimeoutMs: number;
  probeConcurrency: number;
  secretKey: string | null;
  simPort: number;
  webhookUrl: string | null;
  /** E-mail notifications; null when CAMNET_SMTP_URL is unset. */
  mail: MailConfig | null;
  tileUrl: string | null;
  /** Background failures and recoveries in the simulated fleet (demo only). */
  simChaos: boolean;
  /** Run the ONVIF poller and MQTT listener (off in tests that drive checks by hand). */
  monitoring: boolean;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`camnet cannot start, fix the configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Builds and validates the configuration; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): CamnetConfig {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = str(name);
    if (raw === null) return def;
    if (/^(1|true|on|yes)$/i.test(raw)) return true;
    if (/^(0|false|off|no)$/i.test(raw)) return false;
    problems.push(`${name} must be on or off (1/0, true/false), got "${raw}"`);
    return def;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = str(name);
    if (raw === null) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL, got "${u.protocol}"`);
        return null;
      }
      return raw;
    } catch {
      problems.push(`${name} is not a valid URL: "${raw}"`);
      return null;
    }
  };

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const mqttUrl = url('MQTT_URL', ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']);
  const embedded = databaseUrl === null;

  const seedRaw = (str('CAMNET_SEED') ?? 'auto').toLowerCase();
  let seed: CamnetConfig['seed'] = 'auto';
  if (/^(1|true|on|yes)$/.test(seedRaw)) seed = 'on';
  else if (/^(0|false|off|no)$/.test(seedRaw)) seed = 'off';
  else if (seedRaw !== 'auto') problems.push(`CAMNET_SEED must be on, off or auto, got "${seedRaw}"`);

  const secretKey = str('CAMNET_SECRET_KEY');
  if (secretKey !== null && !isValidSecretKey(secretKey)) {
    problems.push('CAMNET_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)');
  }
  if (secretKey === null && !embedded) {
    problems.push('CAMNET_SECRET_KEY is required with DATABASE_URL (generate one with: openssl rand -hex 32)');
  }

  const bootstrapToken = str('CAMNET_BOOTSTRAP_TOKEN');
  if (bootstrapToken !== null && bootstrapToken.length < 16) {
    problems.push('CAMNET_BOOTSTRAP_TOKEN must be at least 16 characters long');
  }

  const logLevel = (str('CAMNET_LOG_LEVEL') ?? 'log') as CamnetConfig['logLevel'];
  if (!['error', 'warn', 'log', 'debug'].includes(logLevel)) {
    problems.push(`CAMNET_LOG_LEVEL must be error, warn, log or debug, got "${logLevel}"`);
  }

  const mail = parseMailConfig({
    smtpUrl: str('CAMNET_SMTP_URL'),
    from: str('CAMNET_MAIL_FROM'),
    to: str('CAMNET_MAIL_TO'),
    routes: str('CAMNET_MAIL_ROUTES'),
    digestMin: str('CAMNET_MAIL_DIGEST_MIN'),
  });
  problems.push(...mail.problems);

  const config: CamnetConfig = {
    port: int('PORT', 3000, 0, 65535),
    dataDir: path.resolve(str('CAMNET_DATA_DIR') ?? './data'),
    databaseUrl,
    dbPoolSize: int('CAMNET_DB_POOL_SIZE', embedded ? 1 : 10, 1, 200),
    mqttUrl,
    mqttEmbeddedPort: int('MQTT_EMBEDDED_PORT', 1884, 0, 65535),
    mqttSharedGroup: str('MQTT_SHARED_GROUP'),
    simulator: bool('CAMNET_SIMULATOR', embedded),
    seed,
    bootstrapToken,
    pollIntervalS: int('CAMNET_POLL_INTERVAL_S', 60, 1, 86400),
    probeTimeoutMs: int('CAMNET_PROBE_TIMEOUT_MS', 5000, 50, 120000),
    probeConcurrency: int('CAMNET_PROBE_CONCURRENCY', 256, 1, 10000),
    secretKey,
    simPort: int('CAMNET_SIM_PORT', 8899, 0, 65535),
    webhookUrl: url('CAMNET_WEBHOOK_URL', ['http:', 'https:']),
    mail: mail.mail,
    tileUrl: str('TILE_URL'),
    simChaos: bool('CAMNET_SIM_CHAOS', true),
    monitoring: bool('CAMNET_MONITORING', true),
    logLevel,
  };
  if (config.mqttSharedGroup !== null && !/^[A-Za-z0-9_-]+$/.test(config.mqttSharedGroup)) {
    problems.push('MQTT_SHARED_GROUP may hold only letters, digits, "-" and "_"');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export function isValidSecretKey(key: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(key)) return true;
  try {
    return Buffer.from(key, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(key);
  } catch {
    return false;
  }
}

/** Injection token for the configuration object. */
export const CAMNET_CONFIG = Symbol('CAMNET_CONFIG');
