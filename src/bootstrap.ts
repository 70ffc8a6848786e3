/**
 * Starts a whole camnet instance: secret key, database and migrations, the Long
 * An seed, the MQTT broker and simulated fleet in embedded mode, then the Nest
 * application. main.ts and the end-to-end tests share it.
 */
import { EventBus } from './common/event-bus';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { Clock, systemClock } from './common/clock';
import { generateSecretKey, SecretBox } from './common/secret-box';
import { CamnetConfig } from './config/config';
import { CamnetRuntime } from './core.module';
import { createDataSource } from './database/data-source';
import { EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { EmbeddedBroker, startEmbeddedBroker } from './mqtt/embedded-broker';
import { derivedStationPassword, serviceCredentials } from './mqtt/mqtt-credentials';
import { StationCredentials } from './mqtt/station-credentials.repository';
import { TokenService } from './auth/token.service';
import { UserService } from './auth/user.service';
import { generateSeedInventory } from './seed/seed.generator';
import { isSeedLoaded } from './database/seed-meta';
import { loadSeedInventory } from './seed/seed.loader';
import type { SeedInventory } from './seed/seed.types';
import { startLongAnFleet } from './simulator/simulator';
import { applyHttpDefaults } from './http-defaults';

export interface CamnetInstance {
  app: INestApplication;
  url: string;
  /**
   * The first admin's login and one-time password when this start created them
   * (first start only, no CAMNET_ADMIN_PASSWORD), for printing once; else null.
   */
  firstAdmin: { login: string; password: string; savedTo: string | null } | null;
  runtime: CamnetRuntime;
  simulatorUrl: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Listen on config.port (default true). */
  listen?: boolean;
}

const LOG_LEVELS: Record<CamnetConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export async function startCamnet(config: CamnetConfig, options: StartOptions = {}): Promise<CamnetInstance> {
  const logger = new Logger('camnet');
  Logger.overrideLogger(LOG_LEVELS[config.logLevel]);
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch((err) => logger.warn(`while stopping: ${err.message}`));
  };

  try {
    const embedded = config.databaseUrl === null;
    if (embedded) fs.mkdirSync(config.dataDir, { recursive: true });
    const secretKey = config.secretKey ?? readOrCreateSecretKey(config.dataDir);
    const secretBox = new SecretBox(secretKey);

    let pglite: EmbeddedPostgres | null = null;
    if (embedded) {
      logger.log(`starting the embedded database in ${path.join(config.dataDir, 'pglite')}`);
      pglite = await startEmbeddedPostgres(path.join(config.dataDir, 'pglite'), 12);
      closers.push(() => pglite!.close());
    }
    const dataSource = createDataSource(config.databaseUrl ?? pglite!.url, config.dbPoolSize);
    await dataSource.initialize();
    closers.push(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    });
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);

    // camnet's own MQTT account: MQTT_URL's user and password, or `camnet` with a password derived from the key.
    const service = serviceCredentials(config.mqttUrl ?? 'mqtt://127.0.0.1', secretKey);
    const stationCredentials = new StationCredentials(dataSource, service);
    let broker: EmbeddedBroker | null = null;
    if (config.mqttUrl === null) {
      // Stations log in with their own account and publish only under their own topics.
      broker = await startEmbeddedBroker(config.mqttEmbeddedPort, '127.0.0.1', stationCredentials);
      closers.push(() => broker!.close());
      logger.log(`embedded MQTT broker on ${broker.url}`);
    }
    const mqttUrl = withCredentials(config.mqttUrl ?? broker!.url, service);

    const clock = options.clock ?? systemClock;
    const simBaseUrl = `http://127.0.0.1:${config.simPort}`;
    // Generated at most once, for the seed and the simulated fleet alike.
    let generated: SeedInventory | undefined;
    const seedInventory = () => (generated ??= generateSeedInventory({ simBaseUrl }));
    const seedWanted = config.seed === 'on' || (config.seed === 'auto' && !(await isSeedLoaded(dataSource)));
    if (seedWanted) {
      const started = Date.now();
      await loadSeedInventory(dataSource, seedInventory(), (plain) => secretBox.encrypt(plain), {
        intervalS: config.pollIntervalS,
        now: clock.now(),
        log: (msg) => logger.log(msg),
      });
      logger.log(`loaded the Long An inventory in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const issued = await stationCredentials.issueMissing(secretKey);
    if (issued) logger.log(`issued MQTT credentials to ${issued} stations (derived from the secret key)`);
    if (config.mqttPasswordFile) {
      const n = await stationCredentials.writeMosquittoPasswordFile(config.mqttPasswordFile);
      logger.log(`wrote Mosquitto's password file ${config.mqttPasswordFile} (camnet and ${n} stations)`);
    }

    let simulatorUrl: string | null = null;
    if (config.simulator) {
      const sim = await startLongAnFleet({
        port: config.simPort,
        mqttUrl: config.mqttUrl ?? broker!.url,
        chaos: config.simChaos,
        inventory: seedInventory(),
        stationPassword: (code) => derivedStationPassword(secretKey, code),
      });
      closers.push(() => sim.stop());
      simulatorUrl = sim.baseUrl;
      logger.log(`simulated fleet on ${sim.baseUrl} (control API at ${sim.baseUrl}/sim/devices)`);
    }

    const runtime: CamnetRuntime = {
      config,
      dataSource,
      secretBox,
      clock,
      mqttUrl,
      instanceId: `${process.pid}-${randomBytes(3).toString('hex')}`,
    };
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
      logger: LOG_LEVELS[config.logLevel],
      bodyParser: false,
    });
    applyHttpDefaults(app, { tileUrl: config.tileUrl });
    // Behind an HTTPS reverse proxy: req.secure follows X-Forwarded-Proto, so session cookies get Secure.
    if (config.trustProxy) app.set('trust proxy', 1);
    if (config.mqttPasswordFile) {
      // A station created (or retired) is in Mosquitto's password file at once; Mosquitto reads it on SIGHUP (deploy/mosquitto/).
      const file = config.mqttPasswordFile;
      const off = app.get(EventBus).on('inventory.changed', (e) => {
        if (e.what !== 'station') return;
        stationCredentials.writeMosquittoPasswordFile(file).catch((err) => logger.error(`could not write ${file}: ${err.message}`));
      });
      closers.push(async () => off());
    }
    const docs = new DocumentBuilder()
      .setTitle('camnet')
      .setDescription('Inventory and health of the Long An security-camera network')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, docs));
    closers.push(() => app.close()); // closed first: pollers stop before the broker and database go

    // The bootstrap token is for automation: created once, never printed. Tokens from before accounts keep working.
    if (config.bootstrapToken && !(await app.get(TokenService).ensureBootstrapToken(config.bootstrapToken))) {
      logger.warn('CAMNET_BOOTSTRAP_TOKEN names a token that was revoked: it is not accepted');
    }
    const created = await app.get(UserService).ensureFirstAdmin(config.adminPassword);
    let firstAdmin: CamnetInstance['firstAdmin'] = null;
    if (created) {
      // Kept beside the database for whoever started it; the password must be changed at first login.
      const savedTo = embedded ? path.join(config.dataDir, 'first-admin.txt') : null;
      if (savedTo) fs.writeFileSync(savedTo, `login: ${created.login}\none-time password: ${created.password}\n`, { mode: 0o600 });
      firstAdmin = { ...created, savedTo };
    }

    let url = '';
    if (options.listen ?? true) {
      await app.listen(config.port, '0.0.0.0');
      const address = app.getHttpServer().address();
      url = `http://localhost:${typeof address === 'object' && address ? address.port : config.port}`;
    }
    return { app, url, firstAdmin, runtime, simulatorUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Embedded mode keeps its key beside the database, created once with owner-only access. */
function readOrCreateSecretKey(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = generateSecretKey();
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

/** The broker URL with camnet's account in it, for the listener (mqtt.js reads user and password from the URL). */
function withCredentials(url: string, account: { username: string; password: string }): string {
  const u = new URL(url);
  u.username = encodeURIComponent(account.username);
  u.password = encodeURIComponent(account.password);
  return u.toString();
}
