/**
 * A small monitored fleet for the monitoring tests: a fresh database holding a few
 * seeded stations and their cameras, the simulator serving exactly those, a broker
 * (a private Mosquitto when installed, else the shared one or aedes), and one or more Nest instances made of
 * CoreModule + AuthModule + MonitoringModule, each with its own instance id.
 */
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { AuthModule } from '../../src/auth/auth.module';
import { TokenService } from '../../src/auth/token.service';
import { systemClock } from '../../src/common/clock';
import { AlertActionEvent, EventBus, StatusChangedEvent } from '../../src/common/event-bus';
import { SecretBox } from '../../src/common/secret-box';
import { loadConfig } from '../../src/config/config';
import { CamnetRuntime, CoreModule } from '../../src/core.module';
import { createDataSource } from '../../src/database/data-source';
import { applyHttpDefaults } from '../../src/http-defaults';
import { MonitoringModule } from '../../src/monitoring/monitoring.module';
import { CAMERA_PROBE, CameraProbe, createOnvifCameraProbe } from '../../src/monitoring/probe.runner';
import { SCHEDULER_OPTIONS, SchedulerOptions } from '../../src/monitoring/probe.scheduler';
import { generateSeedInventory } from '../../src/seed/seed.generator';
import { loadSeedInventory } from '../../src/seed/seed.loader';
import type { SeedCamera, SeedInventory, SeedStation } from '../../src/seed/seed.types';
import type { SimChaosOptions } from '../../src/simulator/sim.chaos';
import { RunningSimulator, startSimulator } from '../../src/simulator/simulator';
import type { TestBroker } from '../support/mqtt-broker';
import { openPrivateBroker } from './private-mosquitto';
import { openTestDatabase, TestDatabase, testDatabaseEngine } from '../support/database';

export const SECRET_KEY = 'ab'.repeat(32);

export interface FleetOptions {
  stations: number;
  /** Start the simulated devices and station agents (default true). */
  simulator?: boolean;
  heartbeatIntervalMs?: number;
  /** A broker the test controls (default: a private Mosquitto, else the shared one or aedes). */
  broker?: TestBroker;
  /** Background failures and recoveries in the simulated fleet (default off). */
  chaos?: boolean | SimChaosOptions;
}

export interface Fleet {
  db: TestDatabase;
  broker: TestBroker;
  sim: RunningSimulator | null;
  stations: SeedStation[];
  cameras: SeedCamera[];
  close(): Promise<void>;
}

let cachedInventory: SeedInventory | null = null;

/** The first `n` stations of the Long An seed that have a PTZ camera, with their cameras. */
export async function openFleet(o: FleetOptions): Promise<Fleet> {
  // PGlite's socket server mixes up statements from concurrent connections: one connection there.
  const db = await openTestDatabase(testDatabaseEngine() === 'pglite' ? { poolSize: 1 } : {});
  const broker = o.broker ?? (await openPrivateBroker());
  cachedInventory ??= generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:0' });
  const inv = cachedInventory;
  const byStation = new Map<string, SeedCamera[]>();
  for (const c of inv.cameras) if (c.stationCode) byStation.set(c.stationCode, [...(byStation.get(c.stationCode) ?? []), c]);
  // A random stretch of the fleet, so runs sharing the machine's Mosquitto rarely meet on the same station topics.
  const eligible = inv.stations.filter((s) => byStation.get(s.code)!.some((c) => c.ptz));
  const start = Math.floor(Math.random() * (eligible.length - o.stations));
  const stations = eligible.slice(start, start + o.stations);
  let cameras = stations.flatMap((s) => byStation.get(s.code)!);
  let sim: RunningSimulator | null = null;
  if (o.simulator ?? true) {
    sim = await startSimulator({
      cameras,
      stations,
      port: 0,
      mqttUrl: broker.url,
      mqttProtocolVersion: 4,
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? 1000,
      connectSpreadMs: 0,
      chaos: o.chaos ?? false,
      logger: { log: () => undefined, warn: () => undefined },
    });
  }
  const base = sim?.baseUrl ?? 'http://127.0.0.1:9';
  cameras = cameras.map((c) => ({ ...c, onvifUrl: `${base}/onvif/${c.code}/device_service` }));
  const box = new SecretBox(SECRET_KEY);
  await loadSeedInventory(db.dataSource, { ...inv, stations, cameras, roadSigns: [] }, (p) => box.encrypt(p), { intervalS: 2, now: new Date() });
  return {
    db,
    broker,
    sim,
    stations,
    cameras,
    async close() {
      await sim?.stop();
      await broker.close();
      await db.close();
    },
  };
}

export interface Instance {
  app: INestApplication;
  runtime: CamnetRuntime;
  bus: EventBus;
  alerts: AlertActionEvent[];
  changes: StatusChangedEvent[];
  token(role: 'admin' | 'technician' | 'police' | 'planner'): Promise<string>;
  close(): Promise<void>;
}

export interface InstanceOptions {
  env?: Record<string, string>;
  scheduler?: SchedulerOptions;
  probe?: CameraProbe;
  http?: boolean;
  /** Reach the database here (a fault proxy) on a pool of the instance's own. */
  databaseUrl?: string;
  /** More modules (alerts, uptime, health) beside monitoring. */
  imports?: any[];
}

/** One camnet instance (monitoring only) on the fleet's database and broker. */
export async function startInstance(fleet: Fleet, o: InstanceOptions = {}): Promise<Instance> {
  const config = loadConfig({
    DATABASE_URL: fleet.db.engine === 'postgres' ? fleet.db.url : undefined,
    MQTT_URL: fleet.broker.url,
    CAMNET_SECRET_KEY: SECRET_KEY,
    CAMNET_POLL_INTERVAL_S: '2',
    CAMNET_PROBE_TIMEOUT_MS: '400',
    CAMNET_MONITORING: 'on',
    CAMNET_SIMULATOR: 'off',
    ...o.env,
  });
  // PGlite serves few connections: the first instance shares the test database's pool.
  const shared = fleet.db.engine === 'pglite' && o.databaseUrl === undefined;
  const dataSource = shared ? fleet.db.dataSource : createDataSource(o.databaseUrl ?? fleet.db.url, fleet.db.engine === 'pglite' ? 1 : 4);
  if (!dataSource.isInitialized) await dataSource.initialize();
  const runtime: CamnetRuntime = {
    config,
    dataSource,
    secretBox: new SecretBox(SECRET_KEY),
    clock: systemClock,
    mqttUrl: fleet.broker.url,
    instanceId: `test-${randomBytes(3).toString('hex')}`,
  };
  let builder = Test.createTestingModule({ imports: [CoreModule.forRoot(runtime), AuthModule, MonitoringModule, ...(o.imports ?? [])] })
    .overrideProvider(SCHEDULER_OPTIONS)
    .useValue({ tickMs: 100, sweepMs: 500, ...o.scheduler });
  if (o.probe) builder = builder.overrideProvider(CAMERA_PROBE).useValue(o.probe);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
  applyHttpDefaults(app as NestExpressApplication);
  const bus = app.get(EventBus);
  const alerts: AlertActionEvent[] = [];
  const changes: StatusChangedEvent[] = [];
  bus.on('alert.action', (e) => alerts.push(e));
  bus.on('status.changed', (e) => changes.push(e));
  if (o.http) await app.listen(0, '127.0.0.1');
  else await app.init();
  return {
    app,
    runtime,
    bus,
    alerts,
    changes,
    token: async (role) => (await app.get(TokenService).create(`test ${role}`, role)).token,
    async close() {
      await app.close();
      if (!shared && dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

export interface CheckRecord {
  owner: string;
  url: string;
  /** When the check began and ended (ms since the epoch); ended is null while it runs. */
  at: number;
  ended: number | null;
}

/** The real ONVIF probe, recording who checked which camera and when. */
export function recordingProbe(owner: string, log: CheckRecord[]): CameraProbe {
  const real = createOnvifCameraProbe(systemClock, 64);
  return {
    check: (t, s) => {
      const record: CheckRecord = { owner, url: t.url, at: Date.now(), ended: null };
      log.push(record);
      return real.check(t, s).finally(() => (record.ended = Date.now()));
    },
    firstContact: (t, s) => real.firstContact(t, s),
    close: () => real.close?.(),
  };
}

/** Polls `fn` until it answers a truthy value or `ms` pass; answers the last value. */
export async function waitFor<T>(fn: () => Promise<T>, ms: number, stepMs = 100): Promise<T> {
  const until = Date.now() + ms;
  let last = await fn();
  while (!last && Date.now() < until) {
    await new Promise((r) => setTimeout(r, stepMs));
    last = await fn();
  }
  return last;
}

export async function simFault(fleet: Fleet, kind: 'devices' | 'stations', code: string, body: Record<string, unknown> | null): Promise<void> {
  const url = `${fleet.sim!.baseUrl}/sim/${kind}/${code}/faults`;
  const res = await fetch(
    url,
    body === null ? { method: 'DELETE' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}
