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
  /** Where camnet writes Mosquitto's password_file (camnet and every station's account); unset: not written. */
  mqttPasswordFile: string | null;
  simulator: boolean;
  seed: 'auto' | 'on' | 'off';
  bootstrapToken: string | null;
  /** The first admin's password, from the environment (never printed); null: generated once and printed once. */
  adminPassword: string | null;
  /** A browser session ends after this long without a request… */
  sessionIdleS: number;
  /** …and this long after login, whatever happens. */
  sessionMaxS: number;
  /** Login attempts per client address per minute, before 429. */
  loginRatePerMin: number;
  /** Single sign-on with an agency's OpenID Connect provider; null: logins with camnet passwords only. */
  oidc: OidcConfig | null;
  /** Behind an HTTPS reverse proxy: trust X-Forwarded-* so session cookies are Secure. */
  trustProxy: boolean;
  pollIntervalS: number;
  probeTimeoutMs: number;
  probeConcurrency: number;
  secretKey: string | null;
  simPort: number;
  webhookUrl: string | null;
  /** E-mail notifications; null when CAMNET_SMTP_URL is unset. */
  mail: MailConfig | null;
  tileUrl: string | null;
  /** Credit for the base tiles, shown in the map's corner (OpenStreetMap's unless TILE_ATTRIBUTION says otherwise). */
  tileAttribution: string;
  /** Background failures and recoveries in the simulated fleet (demo only). */
  simChaos: boolean;
  /** Run the ONVIF poller and MQTT listener (off in tests that drive checks by hand). */
  monitoring: boolean;
  /** A station not heard for this long, while camnet was listening and recording, goes offline. */
  stationSilentMs: number;
  /** How long a station's Will is held before it acts: a broker that is shutting down publishes every Will, then drops camnet too. */
  willHoldMs: number;
  /** Most station messages (Wills, statuses, orientations) and check results kept in memory while the database is away. */
  applyBufferMax: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Picture health (src/view): how often each camera's snapshot is analysed, and the detectors' thresholds. */
  view: ViewSettings;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: <CAMNET_PUBLIC_URL>/api/auth/oidc/callback. */
  redirectUri: string;
  /** The claim (from userinfo) that says the person's role… */
  roleClaim: string;
  /** …and its values mapped to camnet roles. */
  roleMap: Record<string, 'admin' | 'technician' | 'police' | 'planner'>;
}

/**
 * Picture-health settings. The defaults, and why each is what it is, are in the README
 * ("Picture health"); every one can be set as CAMNET_VIEW_<NAME> (e.g. CAMNET_VIEW_BLUR_RATIO).
 */
export interface ViewSettings {
  /** Seconds between two snapshots of a camera (CAMNET_VIEW_INTERVAL_S). */
  intervalS: number;
  /** One snapshot request's deadline (GetSnapshotUri or the JPEG itself). */
  timeoutMs: number;
  /** Snapshots larger than this are refused (a 1080p JPEG is 0.2–1 MB). */
  maxBytes: number;
  /** Snapshots fetched and analysed at once per replica. */
  concurrency: number;
  /** Days of per-check metrics kept in camera_view_check. */
  historyDays: number;
  /** dark: mean luminance (0–255) at most this … */
  darkMean: number;
  /** … and at least this share of pixels darker than 40. */
  darkShare: number;
  /** blocked: a textured cell of the reference is blank when its edge energy falls below this share of the reference's (after the light gain). */
  blockedEdgeRatio: number;
  /** blocked: a cell this flat (standard deviation in grey levels) is blank whatever the reference. */
  blockedUniformStd: number;
  /** blocked: share of the reference's textured cells that are blank to call it partial … */
  blockedPartialShare: number;
  /** … and complete. */
  blockedCompleteShare: number;
  /** blurred: sharpness (gradient energy over variance) below this share of the reference's. */
  blurRatio: number;
  /** frozen: mean absolute difference (grey levels) between consecutive snapshots below this … */
  frozenMad: number;
  /** … over this many consecutive snapshots (several, not two). */
  frozenFrames: number;
  /** moved: the edge maps' correlation at zero shift below this means the scene differs. */
  movedSceneMin: number;
  /** moved: a shift of at least this many degrees (with a clearly better match there) is a move. */
  movedShiftDeg: number;
  /** Night (the reference kept apart): mean colour saturation below this (cameras switch to monochrome with IR) or mean luminance below nightMean. */
  nightChroma: number;
  nightMean: number;
}

export const VIEW_DEFAULTS: ViewSettings = {
  intervalS: 900,
  timeoutMs: 10_000,
  maxBytes: 4 * 1024 * 1024,
  concurrency: 8,
  historyDays: 14,
  darkMean: 35,
  darkShare: 0.85,
  blockedEdgeRatio: 0.2,
  blockedUniformStd: 2.5,
  blockedPartialShare: 0.25,
  blockedCompleteShare: 0.85,
  blurRatio: 0.5,
  frozenMad: 0.2,
  frozenFrames: 3,
  movedSceneMin: 0.5,
  movedShiftDeg: 5,
  nightChroma: 3,
  nightMean: 50,
};

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

  const adminPassword = env.CAMNET_ADMIN_PASSWORD === undefined || env.CAMNET_ADMIN_PASSWORD === '' ? null : env.CAMNET_ADMIN_PASSWORD;
  if (adminPassword !== null && (adminPassword.length < 12 || adminPassword.length > 256)) {
    problems.push('CAMNET_ADMIN_PASSWORD must be 12 to 256 characters long');
  }

  const oidc = oidcConfig(env, problems, str, url);

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
  const num = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  const d = VIEW_DEFAULTS;
  const view: ViewSettings = {
    intervalS: int('CAMNET_VIEW_INTERVAL_S', d.intervalS, 1, 86400),
    timeoutMs: int('CAMNET_VIEW_TIMEOUT_MS', d.timeoutMs, 100, 120_000),
    maxBytes: int('CAMNET_VIEW_MAX_BYTES', d.maxBytes, 16 * 1024, 64 * 1024 * 1024),
    concurrency: int('CAMNET_VIEW_CONCURRENCY', d.concurrency, 1, 256),
    historyDays: int('CAMNET_VIEW_HISTORY_DAYS', d.historyDays, 1, 3650),
    darkMean: num('CAMNET_VIEW_DARK_MEAN', d.darkMean, 0, 255),
    darkShare: num('CAMNET_VIEW_DARK_SHARE', d.darkShare, 0, 1),
    blockedEdgeRatio: num('CAMNET_VIEW_BLOCKED_EDGE_RATIO', d.blockedEdgeRatio, 0, 1),
    blockedUniformStd: num('CAMNET_VIEW_BLOCKED_UNIFORM_STD', d.blockedUniformStd, 0, 64),
    blockedPartialShare: num('CAMNET_VIEW_BLOCKED_PARTIAL_SHARE', d.blockedPartialShare, 0.01, 1),
    blockedCompleteShare: num('CAMNET_VIEW_BLOCKED_COMPLETE_SHARE', d.blockedCompleteShare, 0.01, 1),
    blurRatio: num('CAMNET_VIEW_BLUR_RATIO', d.blurRatio, 0, 1),
    frozenMad: num('CAMNET_VIEW_FROZEN_MAD', d.frozenMad, 0, 32),
    frozenFrames: int('CAMNET_VIEW_FROZEN_FRAMES', d.frozenFrames, 2, 20),
    movedSceneMin: num('CAMNET_VIEW_MOVED_SCENE_MIN', d.movedSceneMin, -1, 1),
    movedShiftDeg: num('CAMNET_VIEW_MOVED_SHIFT_DEG', d.movedShiftDeg, 0.1, 180),
    nightChroma: num('CAMNET_VIEW_NIGHT_CHROMA', d.nightChroma, 0, 255),
    nightMean: num('CAMNET_VIEW_NIGHT_MEAN', d.nightMean, 0, 255),
  };
  if (view.blockedPartialShare > view.blockedCompleteShare) {
    problems.push('CAMNET_VIEW_BLOCKED_PARTIAL_SHARE must not exceed CAMNET_VIEW_BLOCKED_COMPLETE_SHARE');
  }

  const config: CamnetConfig = {
    port: int('PORT', 3000, 0, 65535),
    dataDir: path.resolve(str('CAMNET_DATA_DIR') ?? './data'),
    databaseUrl,
    dbPoolSize: int('CAMNET_DB_POOL_SIZE', embedded ? 1 : 10, 1, 200),
    mqttUrl,
    mqttEmbeddedPort: int('MQTT_EMBEDDED_PORT', 1884, 0, 65535),
    mqttSharedGroup: str('MQTT_SHARED_GROUP'),
    mqttPasswordFile: str('MQTT_PASSWORD_FILE'),
    simulator: bool('CAMNET_SIMULATOR', embedded),
    seed,
    bootstrapToken,
    adminPassword,
    sessionIdleS: int('CAMNET_SESSION_IDLE_S', 1800, 1, 7 * 86400),
    sessionMaxS: int('CAMNET_SESSION_MAX_S', 12 * 3600, 1, 30 * 86400),
    loginRatePerMin: int('CAMNET_LOGIN_RATE_PER_MIN', 10, 1, 10000),
    trustProxy: bool('CAMNET_TRUST_PROXY', false),
    oidc,
    pollIntervalS: int('CAMNET_POLL_INTERVAL_S', 60, 1, 86400),
    probeTimeoutMs: int('CAMNET_PROBE_TIMEOUT_MS', 5000, 50, 120000),
    probeConcurrency: int('CAMNET_PROBE_CONCURRENCY', 256, 1, 10000),
    secretKey,
    simPort: int('CAMNET_SIM_PORT', 8899, 0, 65535),
    webhookUrl: url('CAMNET_WEBHOOK_URL', ['http:', 'https:']),
    mail: mail.mail,
    tileUrl: str('TILE_URL'),
    tileAttribution: str('TILE_ATTRIBUTION') ?? '© OpenStreetMap contributors',
    simChaos: bool('CAMNET_SIM_CHAOS', true),
    monitoring: bool('CAMNET_MONITORING', true),
    stationSilentMs: int('CAMNET_STATION_SILENT_S', 90, 1, 86400) * 1000,
    willHoldMs: int('CAMNET_WILL_HOLD_MS', 1000, 0, 2500),
    applyBufferMax: int('CAMNET_APPLY_BUFFER_MAX', 100_000, 100, 10_000_000),
    logLevel,
    view,
  };
  if (config.tileUrl !== null && !['{z}', '{x}', '{y}'].every((p) => config.tileUrl!.includes(p))) {
    problems.push(`TILE_URL must be an XYZ template with {z}, {x} and {y}, such as http://127.0.0.1:8080/tile/{z}/{x}/{y}.png, got "${config.tileUrl}"`);
  }
  if (config.mqttSharedGroup !== null && !/^[A-Za-z0-9_-]+$/.test(config.mqttSharedGroup)) {
    problems.push('MQTT_SHARED_GROUP may hold only letters, digits, "-" and "_"');
  }
  if (config.sessionIdleS > config.sessionMaxS) {
    problems.push(`CAMNET_SESSION_IDLE_S (${config.sessionIdleS}) must not exceed CAMNET_SESSION_MAX_S (${config.sessionMaxS})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** CAMNET_OIDC_*: all of issuer, client id, secret, public URL and role map, or none. */
function oidcConfig(
  env: Env,
  problems: string[],
  str: (name: string) => string | null,
  url: (name: string, protocols: string[]) => string | null,
): OidcConfig | null {
  const names = ['CAMNET_OIDC_ISSUER', 'CAMNET_OIDC_CLIENT_ID', 'CAMNET_OIDC_CLIENT_SECRET', 'CAMNET_PUBLIC_URL', 'CAMNET_OIDC_ROLE_MAP'];
  const given = names.filter((n) => str(n) !== null);
  if (given.length === 0) return null;
  if (given.length < names.length) {
    problems.push(`single sign-on needs all of ${names.join(', ')}; missing: ${names.filter((n) => !given.includes(n)).join(', ')}`);
    return null;
  }
  const issuer = url('CAMNET_OIDC_ISSUER', ['https:', 'http:']);
  if (issuer && new URL(issuer).protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(issuer).hostname)) {
    problems.push('CAMNET_OIDC_ISSUER must be https (http is accepted for a provider on this machine only)');
  }
  const publicUrl = url('CAMNET_PUBLIC_URL', ['https:', 'http:']);
  const roleMap: OidcConfig['roleMap'] = {};
  for (const pair of str('CAMNET_OIDC_ROLE_MAP')!.split(',')) {
    const [value, role] = pair.split('=').map((x) => x.trim());
    if (!value || !['admin', 'technician', 'police', 'planner'].includes(role)) {
      problems.push(`CAMNET_OIDC_ROLE_MAP must be claim-value=role pairs separated by commas (roles: admin, technician, police, planner), got "${pair}"`);
    } else roleMap[value] = role as OidcConfig['roleMap'][string];
  }
  if (!issuer || !publicUrl) return null;
  return {
    issuer,
    clientId: str('CAMNET_OIDC_CLIENT_ID')!,
    clientSecret: str('CAMNET_OIDC_CLIENT_SECRET')!,
    redirectUri: `${publicUrl.replace(/\/+$/, '')}/api/auth/oidc/callback`,
    roleClaim: str('CAMNET_OIDC_ROLE_CLAIM') ?? 'camnet_role',
    roleMap,
  };
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
