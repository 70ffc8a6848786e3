/**
 * `npm run bench:poll`: camnet's ONVIF poller against 25,000 simulated devices.
 *
 * Three phases, each for BENCH_SECONDS (default 20), after a warm-up:
 *  1. full path: ProbeScheduler leasing from probe_schedule, ProbeRunner running the
 *     OnvifProbe under its AbortController deadline and applying every result to
 *     camera_state / status_event / probe_schedule in the database
 *     (DATABASE_URL → a fresh database there; unset → embedded PGlite in this process);
 *  2. probe path alone: the same ProbeRunner and OnvifProbe, the same concurrency, with
 *     the state writes stubbed out — what the ONVIF side costs without the database;
 *  3. baseline: the onvif package used the usual way, a `new Cam()` per camera,
 *     connect, then getSystemDateAndTime, at the same concurrency.
 * The device server (25,000 devices: six vendor reply styles, ~30% PTZ, WS-Security
 * checked on every authenticated request) runs in this process and shares its CPU.
 * The poll interval is set to 1 s so that every camera is always due: the poller runs
 * flat out. Measuring starts once every camera was checked and every PTZ camera had its
 * first contact (the onvif package, once per camera and recovery), i.e. steady state.
 * Last line: JSON with cameras, polls_per_s (full path, with the database),
 * probe_polls_per_s (ONVIF path alone), baseline_polls_per_s, cpu_cores (this process:
 * poller, device server and PGlite if embedded), postgres_cpu_cores, p95_ms (one check,
 * lease to result applied), other_cpu_cores_* (other processes: keep near 0)…
 *
 * Environment: BENCH_SECONDS, BENCH_CAMERAS (25000), BENCH_WARMUP_S (longest warm-up,
 * 180), DATABASE_URL, CAMNET_PROBE_CONCURRENCY (256), BENCH_PHASES (e.g. "full,probe,baseline"),
 * BENCH_DEVICE_SERVER=worker (run the device server on a worker thread of this process,
 * so that it no longer shares the poller's event loop; default: the same thread),
 * BENCH_DEVICE_SERVER=process (the device server in a child process of its own: the
 * poller's CPU figure is then the poller's alone; the default with BENCH_REPLICAS),
 * BENCH_REPLICAS=N (N poller processes on one PostgreSQL database, the leases splitting
 * the work: each replica's share, checks/s in total and duplicate checks, which must be 0,
 * lease statements and rows per lease, the database's CPU; see poll.replicas.ts;
 * BENCH_REPLICAS=1 runs the one poller in a process of its own too, to compare like with like), BENCH_INTERVAL_S (the poll interval, default 1: every camera
 * always due; 60 with BENCH_CAMERAS=1696 measures the idle cost of watching Long An),
 * BENCH_CPU_PROFILE=<folder> (a CPU profile of each measured phase), CAMNET_DB_POOL_SIZE.
 */
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Cam } from 'onvif';
import { Registry } from 'prom-client';
import { AuthModule } from '../src/auth/auth.module';
import { systemClock } from '../src/common/clock';
import { SecretBox } from '../src/common/secret-box';
import { CamnetConfig, loadConfig } from '../src/config/config';
import { CamnetRuntime, CoreModule } from '../src/core.module';
import { CameraStateService } from '../src/monitoring/camera-state.service';
import { MaintenanceService } from '../src/monitoring/maintenance.service';
import { MonitoringMetrics } from '../src/monitoring/monitoring.metrics';
import { MonitoringModule } from '../src/monitoring/monitoring.module';
import type { FirstContactResult } from '../src/monitoring/onvif/onvif.types';
import { CAMERA_PROBE, CameraProbe, CheckTarget, createOnvifCameraProbe, ProbeRunner } from '../src/monitoring/probe.runner';
import { ProbeScheduler } from '../src/monitoring/probe.scheduler';
import { loadSeedInventory } from '../src/seed/seed.loader';
import { SIM_VENDORS, type SeedCamera } from '../src/seed/seed.types';
import { OnvifDeviceServer } from '../src/simulator/onvif-device.server';
import type { SimDevice } from '../src/simulator/sim.types';
import { createDataSource } from '../src/database/data-source';
import { replicaMain, runReplicas, startChild, stopChild } from './poll.replicas';
import {
  BenchDatabase,
  cpuProfile,
  cpuSecondsOf,
  cpuWindow,
  envNumber,
  machineNote,
  openBenchDatabase,
  postgresBackends,
  progress,
  round,
  runMain,
  Samples,
  sleep,
} from './bench.support';

const SECRET_KEY = 'cd'.repeat(32);
const TARGET_PER_S = 25_000 / 60;

/** The synthetic fleet: vendors in turn, ~30% PTZ (deterministic), credentials per camera. */
function syntheticDevices(n: number): SimDevice[] {
  const out: SimDevice[] = [];
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1, 2654435761) >>> 0;
    out.push({
      code: `BN-${String(i + 1).padStart(6, '0')}`,
      user: i % 3 === 0 ? 'admin' : `op${i % 97}`,
      password: `pw-${(h % 1_000_000).toString(36)}-${i}`,
      vendor: SIM_VENDORS[i % SIM_VENDORS.length],
      model: null,
      ptz: h % 10 < 3,
      headingDeg: (i * 37) % 360,
      stationCode: null,
    });
  }
  return out;
}

/** What the phases need from the device server, wherever it runs. */
interface Devices {
  port: number;
  where: string;
  deviceUrl(code: string): string;
  /** HTTP requests the devices answered so far (null when not counted). */
  requests(): Promise<number | null>;
  /** CPU seconds the device server's own process used so far (null when it runs in this process). */
  cpuSeconds(): Promise<number | null>;
  close(): Promise<void>;
}

/** Set at all (even to 1), BENCH_REPLICAS runs the pollers in processes of their own. */
function replicaProcesses(): boolean {
  return (process.env.BENCH_REPLICAS ?? '').trim() !== '';
}

/** How the device server runs: BENCH_DEVICE_SERVER, else a child process when several replicas poll. */
function deviceServerMode(): 'same' | 'worker' | 'process' {
  const v = process.env.BENCH_DEVICE_SERVER;
  if (v === 'worker' || v === 'process' || v === 'same') return v;
  if (v !== undefined && v !== '') throw new Error(`BENCH_DEVICE_SERVER must be same, worker or process, got "${v}"`);
  return replicaProcesses() ? 'process' : 'same';
}

/** Counts the requests an in-process device server answers (its http.Server is private: the bench reaches in). */
function countRequests(server: OnvifDeviceServer): () => number {
  let n = 0;
  (server as unknown as { server: http.Server }).server.on('request', () => n++);
  return () => n;
}

async function startDevices(cameras: number, devices: SimDevice[]): Promise<Devices> {
  const quiet = { log: () => undefined, warn: () => undefined };
  const mode = deviceServerMode();
  if (mode === 'same') {
    const server: OnvifDeviceServer = await OnvifDeviceServer.start({ devices, port: 0, logger: quiet });
    const requests = countRequests(server);
    return {
      port: server.port,
      where: 'in-process, same thread as the poller (shares its CPU)',
      deviceUrl: (c) => server.deviceUrl(c),
      requests: async () => requests(),
      cpuSeconds: async () => null,
      close: () => server.close(),
    };
  }
  if (mode === 'process') {
    const { child, first } = await startChild<{ port: number }>(__filename, 'device-server', { BENCH_CAMERAS: String(cameras) });
    const ask = () =>
      new Promise<{ requests: number; cpuS: number }>((resolve) => {
        const on = (m: { requests?: number; cpuS?: number }) => {
          if (typeof m.requests !== 'number' || typeof m.cpuS !== 'number') return;
          child.off('message', on);
          resolve({ requests: m.requests, cpuS: m.cpuS });
        };
        child.on('message', on);
        child.send({ type: 'count' });
      });
    return {
      port: first.port,
      where: "a child process of its own (its CPU is not the poller's)",
      deviceUrl: (c) => `http://127.0.0.1:${first.port}/onvif/${c}/device_service`,
      requests: async () => (await ask()).requests,
      cpuSeconds: async () => (await ask()).cpuS,
      close: () => stopChild(child),
    };
  }
  const worker = new Worker(__filename, { workerData: { role: 'device-server', cameras } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    port,
    where: 'in-process, on a worker thread (its own event loop; same process CPU figure)',
    deviceUrl: (c) => `http://127.0.0.1:${port}/onvif/${c}/device_service`,
    requests: async () => null,
    cpuSeconds: async () => null,
    close: async () => {
      worker.postMessage('close');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

/** The worker-thread side of BENCH_DEVICE_SERVER=worker. */
async function deviceServerWorker(cameras: number): Promise<void> {
  const server = await OnvifDeviceServer.start({ devices: syntheticDevices(cameras), port: 0, logger: { log: () => undefined, warn: () => undefined } });
  parentPort!.on('message', async () => {
    await server.close();
    process.exit(0);
  });
  parentPort!.postMessage({ port: server.port });
}

/** The child-process side of BENCH_DEVICE_SERVER=process: serves, counts requests, stops on request. */
async function deviceServerProcess(cameras: number): Promise<void> {
  const server = await OnvifDeviceServer.start({ devices: syntheticDevices(cameras), port: 0, logger: { log: () => undefined, warn: () => undefined } });
  const requests = countRequests(server);
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'count') {
      const u = process.cpuUsage();
      process.send!({ requests: requests(), cpuS: (u.user + u.system) / 1e6 });
    }
    if (m.type === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.send!({ port: server.port });
}

function seedCameras(devices: SimDevice[], server: Devices): SeedCamera[] {
  return devices.map((d, i) => ({
    code: d.code,
    stationCode: null,
    ownership: 'business',
    communeCode: 'BENCH',
    communeCode2025: null,
    lat: 10.5 + (i % 500) * 0.001,
    lon: 106.4 + Math.floor(i / 500) * 0.001,
    headingDeg: d.headingDeg,
    fovDeg: 90,
    rangeM: 50,
    ptz: d.ptz,
    onvifUrl: server.deviceUrl(d.code),
    onvifUser: d.user,
    onvifPassword: d.password,
    vendor: d.vendor,
    model: null,
    ownerName: null,
    ownerPhone: null,
    registeredOn: null,
  }));
}

@Module({})
class PollBenchModule {
  static forRoot(runtime: CamnetRuntime): DynamicModule {
    return { module: PollBenchModule, imports: [CoreModule.forRoot(runtime), AuthModule, MonitoringModule] };
  }
}

/** Counts and times checks as they complete. */
class CheckStats {
  runs = new Samples();
  probe = new Samples();
  ok = 0;
  unreachable = 0;
  failed = 0;
  firstContacts = 0;
  firstContactMs = 0;
  errors = new Map<string, number>();

  record(reachable: boolean, ok: boolean, kind: string | null): void {
    if (ok) this.ok++;
    else if (!reachable) this.unreachable++;
    else this.failed++;
    if (kind !== null) this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get done(): number {
    return this.ok + this.unreachable + this.failed;
  }

  errorSummary(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }
}

interface PhaseResult {
  checks: number;
  /** HTTP requests the devices answered per check (first contacts included), when counted. */
  requestsPerCheck: number | null;
  /** This process's CPU time per check, in µs (the device server's too when it runs in this process). */
  cpuUsPerCheck: number | null;
  /** The device server's CPU time per check, in µs, when it runs in a process of its own. */
  deviceCpuUsPerCheck: number | null;
  perS: number;
  cores: number;
  machineCores: number | null;
  p95: number;
  p50: number;
  probeP95: number;
  ok: number;
  notOk: number;
  errors: Record<string, number>;
  wallS: number;
  /** CPU cores used by this benchmark's PostgreSQL backends (DATABASE_URL only). */
  pgCores: number | null;
}

/** Runs for `seconds`, printing the rate every 5 s; answers the window's figures. */
async function measure(
  label: string,
  seconds: number,
  stats: () => CheckStats,
  pgDatabase: string | null = null,
  server: Devices | null = null,
): Promise<PhaseResult> {
  const s0 = stats();
  const requests0 = server ? await server.requests() : null;
  const deviceCpu0 = server ? await server.cpuSeconds() : null;
  const base = { done: s0.done };
  const pgPids = pgDatabase === null ? [] : postgresBackends(pgDatabase);
  const pg0 = cpuSecondsOf(pgPids);
  const profile = await cpuProfile(`poll-${label.replace(/\W+/g, '-')}`);
  const cpu = cpuWindow();
  const t0 = performance.now();
  let lastDone = s0.done;
  let lastT = t0;
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(Math.min(5000, seconds * 1000 - (performance.now() - t0)));
    const now = performance.now();
    const d = stats().done;
    if (now - lastT < 500) break;
    progress(`  ${label}: ${Math.round(((d - lastDone) * 1000) / (now - lastT))} checks/s`);
    lastDone = d;
    lastT = now;
  }
  const w = cpu.stop();
  const requests1 = server ? await server.requests() : null;
  const deviceCpu1 = server ? await server.cpuSeconds() : null;
  const pgCores = pgPids.length > 0 ? round((cpuSecondsOf(pgPids) - pg0) / w.wallS, 2) : null;
  const file = await profile.stop();
  if (file) progress(`  CPU profile of this phase: ${file}`);
  const s = stats();
  const checks = s.done - base.done;
  const runs = s.runs.summary();
  return {
    checks,
    requestsPerCheck: requests0 !== null && requests1 !== null && checks > 0 ? round((requests1 - requests0) / checks, 2) : null,
    cpuUsPerCheck: checks > 0 ? Math.round((w.processCores * w.wallS * 1e6) / checks) : null,
    deviceCpuUsPerCheck: deviceCpu0 !== null && deviceCpu1 !== null && checks > 0 ? Math.round(((deviceCpu1 - deviceCpu0) * 1e6) / checks) : null,
    perS: round(checks / w.wallS),
    cores: round(w.processCores, 2),
    machineCores: w.machineCores,
    p95: runs.p95,
    p50: runs.p50,
    probeP95: s.probe.summary().p95,
    ok: s.ok,
    notOk: s.unreachable + s.failed,
    errors: s.errorSummary(),
    wallS: round(w.wallS, 1),
    pgCores,
  };
}

/** Wraps the real probe: times checks and first contacts, keeps first-contact findings by URL. */
function instrument(probe: CameraProbe, stats: () => CheckStats, contacts: Map<string, FirstContactResult>): void {
  const check = probe.check.bind(probe);
  const first = probe.firstContact.bind(probe);
  probe.check = async (t, signal) => {
    const s = performance.now();
    const r = await check(t, signal);
    stats().probe.add(performance.now() - s);
    return r;
  };
  probe.firstContact = async (t, signal) => {
    const s = performance.now();
    try {
      const r = await first(t, signal);
      contacts.set(t.url, r);
      return r;
    } finally {
      stats().firstContacts++;
      stats().firstContactMs += performance.now() - s;
    }
  };
}

/** Phase 1: the scheduler and runner on the database. */
async function fullPath(
  db: BenchDatabase,
  config: CamnetConfig,
  devices: SimDevice[],
  seconds: number,
  warmupMaxS: number,
  contacts: Map<string, FirstContactResult>,
  server: Devices,
): Promise<PhaseResult & { warmupS: number; firstContactPerS: number; statuses: Record<string, number>; statusEvents: number }> {
  const runtime: CamnetRuntime = {
    config,
    dataSource: db.dataSource,
    secretBox: new SecretBox(SECRET_KEY),
    clock: systemClock,
    mqttUrl: 'mqtt://127.0.0.1:9',
    instanceId: `bench-${randomBytes(3).toString('hex')}`,
  };
  const app: INestApplicationContext = await NestFactory.createApplicationContext(PollBenchModule.forRoot(runtime), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  let stats = new CheckStats();
  try {
    const runner = app.get(ProbeRunner);
    instrument(app.get<CameraProbe>(CAMERA_PROBE), () => stats, contacts);
    const run = runner.run.bind(runner);
    runner.run = async (t, o) => {
      const s = performance.now();
      const out = await run(t, o);
      stats.runs.add(performance.now() - s);
      stats.record(out.result.reachable, out.result.ok, out.result.error?.kind ?? null);
      return out;
    };
    const scheduler = app.get(ProbeScheduler);
    const ptz = devices.filter((d) => d.ptz).length;
    progress(`full path: warming up until every camera was checked once and the ${ptz} PTZ cameras had first contact (onvif package), at most ${warmupMaxS} s`);
    const w0 = performance.now();
    scheduler.start();
    let last = 0;
    while ((stats.firstContacts < ptz || stats.done < devices.length) && performance.now() - w0 < warmupMaxS * 1000) {
      await sleep(1000);
      if (performance.now() - last > 5000) {
        last = performance.now();
        progress(`  warm-up: ${stats.done} checks, ${stats.firstContacts}/${ptz} first contacts`);
      }
    }
    const warmupS = (performance.now() - w0) / 1000;
    const firstContactPerS = stats.firstContacts / warmupS;
    progress(`  warm-up done in ${warmupS.toFixed(1)} s (${stats.done} checks, ${stats.firstContacts} first contacts)`);
    stats = new CheckStats();
    progress(`full path: measuring for ${seconds} s`);
    const r = await measure('full path', seconds, () => stats, db.name, server);
    await app.close();
    const statusRows: { status: string; n: number }[] = await db.dataSource.query(`SELECT status, count(*)::int AS n FROM camera_state GROUP BY status`);
    const [{ n: statusEvents }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM status_event`);
    return {
      ...r,
      warmupS: round(warmupS, 1),
      firstContactPerS: round(firstContactPerS),
      statuses: Object.fromEntries(statusRows.map((x) => [x.status, x.n])),
      statusEvents,
    };
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}

/** Phase 2: ProbeRunner + OnvifProbe at the same concurrency, state writes stubbed. */
async function probePath(
  config: CamnetConfig,
  devices: SimDevice[],
  server: Devices,
  seconds: number,
  contacts: Map<string, FirstContactResult>,
): Promise<PhaseResult> {
  let stats = new CheckStats();
  const probe = createOnvifCameraProbe(systemClock, config.probeConcurrency);
  // First contact happened in phase 1; reuse its findings instead of paying for it again.
  const realFirst = probe.firstContact.bind(probe);
  probe.firstContact = (t, s) => {
    const c = contacts.get(t.url);
    return c ? Promise.resolve(c) : realFirst(t, s);
  };
  instrument(probe, () => stats, new Map());
  const state = {
    applyCheck: async () => ({ status: 'online', previous: 'online', transition: false }),
  } as unknown as CameraStateService;
  const maintenance = { covers: () => false } as unknown as MaintenanceService;
  const runner = new ProbeRunner(probe, state, maintenance, new MonitoringMetrics(new Registry()), config, systemClock);
  const targets: CheckTarget[] = devices.map((d, i) => ({
    cameraId: i + 1,
    code: d.code,
    url: server.deviceUrl(d.code),
    user: d.user,
    password: d.password,
    ptz: d.ptz,
    registeredDeg: d.headingDeg,
    stationCode: null,
    communeCode: 'BENCH',
    communeCode2025: null,
    status: 'online',
    failures: 0,
    intervalS: config.pollIntervalS,
  }));
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const t = targets[next];
      next = (next + 1) % targets.length;
      const s = performance.now();
      const out = await runner.run(t, { source: 'onvif', leaseOwner: null });
      stats.runs.add(performance.now() - s);
      stats.record(out.result.reachable, out.result.ok, out.result.error?.kind ?? null);
    }
  };
  const workers = Array.from({ length: config.probeConcurrency }, worker);
  progress(`probe path: warming up (one pass over the ${targets.length} cameras: connections, device information)`);
  const w0 = performance.now();
  while (stats.done < targets.length && performance.now() - w0 < 60_000) await sleep(200);
  stats = new CheckStats();
  progress(`probe path: measuring for ${seconds} s`);
  const r = await measure('probe path', seconds, () => stats);
  stop = true;
  await Promise.all(workers);
  probe.close?.();
  return r;
}

/** Phase 3: the onvif package the usual way, a Cam per poll. */
async function baseline(config: CamnetConfig, devices: SimDevice[], server: Devices, seconds: number): Promise<PhaseResult> {
  const stats = new CheckStats();
  const pollOnce = (d: SimDevice) =>
    new Promise<void>((resolve) => {
      const s = performance.now();
      const done = (err: Error | null) => {
        stats.runs.add(performance.now() - s);
        stats.record(err === null, err === null, err === null ? null : 'error');
        resolve();
      };
      try {
        const cam = new Cam({
          hostname: '127.0.0.1',
          port: server.port,
          path: `/onvif/${d.code}/device_service`,
          username: d.user,
          password: d.password,
          timeout: config.probeTimeoutMs,
          autoconnect: false,
        });
        cam.on('error', () => undefined);
        cam.on('warning', () => undefined);
        cam.connect((err: Error | null) => {
          if (err) return done(err);
          cam.getSystemDateAndTime((e: Error | null) => done(e ?? null));
        });
      } catch (e) {
        done(e as Error);
      }
    });
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const d = devices[next];
      next = (next + 1) % devices.length;
      await pollOnce(d);
    }
  };
  progress(`baseline (onvif package, new Cam + connect + getSystemDateAndTime per poll): measuring for ${seconds} s`);
  const workers = Array.from({ length: config.probeConcurrency }, worker);
  await sleep(1000);
  const r = await measure('baseline', seconds, () => stats);
  stop = true;
  await Promise.all(workers);
  return r;
}

async function main(): Promise<Record<string, unknown>> {
  const seconds = envNumber('BENCH_SECONDS', 20);
  const cameras = Math.round(envNumber('BENCH_CAMERAS', 25_000));
  const warmupMaxS = envNumber('BENCH_WARMUP_S', 180);
  const phases = new Set((process.env.BENCH_PHASES ?? 'full,probe,baseline').split(',').map((s) => s.trim()));
  const intervalS = envNumber('BENCH_INTERVAL_S', 1);
  const replicas = Math.round(envNumber('BENCH_REPLICAS', 1));
  const machine = machineNote();
  progress(`bench:poll on ${machine.cores} cores, load average ${machine.load1}, node ${machine.node}`);
  const devices = syntheticDevices(cameras);
  const server = await startDevices(cameras, devices);
  progress(`device server for ${cameras} simulated devices: ${server.where}`);
  const db = await openBenchDatabase();
  if (replicaProcesses() && db.engine !== 'postgres') {
    await Promise.all([db.close(), server.close()]);
    throw new Error(`BENCH_REPLICAS=${replicas} needs DATABASE_URL: embedded PGlite serves one replica (README, Known limits)`);
  }
  const contacts = new Map<string, FirstContactResult>();
  try {
    progress(
      `device server on 127.0.0.1:${server.port}; database: ${db.engine === 'postgres' ? 'PostgreSQL (DATABASE_URL), a fresh database' : 'embedded PGlite in this process'}, pool of ${db.poolSize}`,
    );
    const box = new SecretBox(SECRET_KEY);
    await loadSeedInventory(
      db.dataSource,
      { adminUnits: [], routes: [], stations: [], cameras: seedCameras(devices, server), roadSigns: [] },
      (p) => box.encrypt(p),
      { intervalS, now: new Date(), log: (m) => progress(m) },
    );
    const config = benchConfig(db.engine === 'postgres' ? db.url : undefined, intervalS);
    progress(
      `concurrency ${config.probeConcurrency} checks in flight, probe timeout ${config.probeTimeoutMs} ms, poll interval ${intervalS} s${intervalS === 1 ? ' (every camera always due)' : ''}`,
    );
    if (replicaProcesses()) return await replicaRun(db, config, cameras, seconds, warmupMaxS, intervalS, replicas, server, machine);

    const full = phases.has('full') ? await fullPath(db, config, devices, seconds, warmupMaxS, contacts, server) : null;
    const probe = phases.has('probe') ? await probePath(config, devices, server, seconds, contacts) : null;
    const base = phases.has('baseline') ? await baseline(config, devices, server, seconds) : null;

    const line = (name: string, r: PhaseResult | null) =>
      r &&
      progress(
        `${name.padEnd(34)} ${String(r.perS).padStart(8)} checks/s  p50 ${r.p50} ms  p95 ${r.p95} ms  ` +
          `process CPU ${r.cores} cores (${r.cpuUsPerCheck ?? '?'} µs/check, ${r.requestsPerCheck ?? '?'} requests/check)${r.deviceCpuUsPerCheck !== null ? `  device server ${r.deviceCpuUsPerCheck} µs/check` : ''}${r.pgCores !== null ? `  PostgreSQL ${r.pgCores} cores` : ''}  machine ${r.machineCores ?? '?'} cores  not ok ${r.notOk}/${r.checks} ${JSON.stringify(r.errors)}`,
      );
    progress('results (the in-process device server is included in the process CPU):');
    line(`full path (${db.engine}, scheduler + runner + DB)`, full);
    line('probe path alone (runner + OnvifProbe)', probe);
    line('baseline (onvif package, Cam per poll)', base);
    if (full) {
      progress(
        `full path: warm-up ${full.warmupS} s with first contact at ${full.firstContactPerS}/s; camera_state ${JSON.stringify(full.statuses)}; ${full.statusEvents} status events`,
      );
      progress(
        `target ${Math.round(TARGET_PER_S)} checks/s (25,000 cameras a minute): ${full.perS >= TARGET_PER_S ? 'met' : 'MISSED'} by the full path; ${base ? `${round(full.perS / base.perS, 1)}x the baseline` : ''}`,
      );
    }
    return {
      bench: 'poll',
      cameras,
      seconds,
      concurrency: config.probeConcurrency,
      database: db.engine,
      db_pool: db.poolSize,
      polls_per_s: full?.perS ?? null,
      probe_polls_per_s: probe?.perS ?? null,
      baseline_polls_per_s: base?.perS ?? null,
      speedup_vs_baseline: full && base ? round(full.perS / base.perS, 1) : null,
      probe_speedup_vs_baseline: probe && base ? round(probe.perS / base.perS, 1) : null,
      cpu_cores: full?.cores ?? null,
      machine_cpu_cores: full?.machineCores ?? null,
      postgres_cpu_cores: full?.pgCores ?? null,
      // What else ran on the machine meanwhile (other processes): figures are only comparable when this is near 0.
      other_cpu_cores_full: full && full.machineCores !== null ? round(Math.max(0, full.machineCores - full.cores - (full.pgCores ?? 0)), 2) : null,
      other_cpu_cores_probe: probe && probe.machineCores !== null ? round(Math.max(0, probe.machineCores - probe.cores), 2) : null,
      other_cpu_cores_baseline: base && base.machineCores !== null ? round(Math.max(0, base.machineCores - base.cores), 2) : null,
      p95_ms: full?.p95 ?? null,
      p50_ms: full?.p50 ?? null,
      requests_per_check: full?.requestsPerCheck ?? null,
      cpu_us_per_check: full?.cpuUsPerCheck ?? null,
      device_server_cpu_us_per_check: full?.deviceCpuUsPerCheck ?? null,
      probe_cpu_us_per_check: probe?.cpuUsPerCheck ?? null,
      interval_s: intervalS,
      // Idle cost when the interval is the service's (60 s): CPU-seconds this process spends per camera-hour.
      cpu_s_per_camera_hour: full ? round((full.cores * 3600) / cameras, 3) : null,
      probe_only_p95_ms: full?.probeP95 ?? null,
      probe_cpu_cores: probe?.cores ?? null,
      probe_p95_ms: probe?.p95 ?? null,
      baseline_cpu_cores: base?.cores ?? null,
      baseline_p95_ms: base?.p95 ?? null,
      not_ok: { full: full?.notOk ?? null, probe: probe?.notOk ?? null, baseline: base?.notOk ?? null },
      warmup_s: full?.warmupS ?? null,
      first_contact_per_s: full?.firstContactPerS ?? null,
      device_server: server.where,
      machine_cores: machine.cores,
      load1_before: machine.load1,
    };
  } finally {
    await server.close();
    await db.close();
  }
}

/** The service's configuration for the bench: the loops are started by hand, the MQTT listener is not measured. */
function benchConfig(databaseUrl: string | undefined, intervalS: number): CamnetConfig {
  return loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    CAMNET_SECRET_KEY: SECRET_KEY,
    // At 1 s every camera stays due: the poller runs flat out, which is what is measured.
    CAMNET_POLL_INTERVAL_S: String(intervalS),
    CAMNET_MONITORING: 'off',
    CAMNET_SIMULATOR: 'off',
    CAMNET_LOG_LEVEL: 'warn',
  });
}

/** BENCH_REPLICAS=N: N poller processes on the seeded database (see poll.replicas.ts). */
async function replicaRun(
  db: BenchDatabase,
  config: CamnetConfig,
  cameras: number,
  seconds: number,
  warmupMaxS: number,
  intervalS: number,
  replicas: number,
  server: Devices,
  machine: ReturnType<typeof machineNote>,
): Promise<Record<string, unknown>> {
  const cpu = cpuWindow();
  const r = await runReplicas(
    __filename,
    replicas,
    { BENCH_REPLICA_DB_URL: db.url, BENCH_INTERVAL_S: String(intervalS) },
    cameras,
    seconds,
    warmupMaxS,
    db.name,
  );
  const w = cpu.stop();
  for (const x of r.replicas)
    progress(
      `  replica ${x.index}: ${x.perS} checks/s (${Math.round(x.share * 100)} % of the checks), CPU ${x.cores} cores, p50 ${x.p50} ms, p95 ${x.p95} ms, ` +
        `${x.leases} lease statements (${x.rowsPerLease} rows each), ${x.firstContacts} first contacts, not ok ${x.notOk}`,
    );
  progress(
    `${replicas} replica${replicas > 1 ? 's' : ''}: ${r.totalPerS} checks/s in total, ${r.duplicates} duplicate checks (overlapping checks of one camera), ` +
      `pollers' CPU ${r.cores} cores (${r.checks > 0 ? Math.round((r.cores * r.wallS * 1e6) / r.checks) : '?'} µs/check), PostgreSQL ${r.pgCores ?? '?'} cores`,
  );
  return {
    bench: 'poll',
    mode: 'replicas',
    replicas,
    cameras,
    seconds,
    interval_s: intervalS,
    concurrency: config.probeConcurrency,
    database: db.engine,
    total_checks_per_s: r.totalPerS,
    duplicates: r.duplicates,
    per_replica: r.replicas.map((x) => ({
      replica: x.index,
      checks_per_s: x.perS,
      share: x.share,
      cpu_cores: x.cores,
      p50_ms: x.p50,
      p95_ms: x.p95,
      not_ok: x.notOk,
      lease_statements: x.leases,
      rows_per_lease: x.rowsPerLease,
      first_contacts: x.firstContacts,
    })),
    pollers_cpu_cores: r.cores,
    cpu_us_per_check: r.checks > 0 ? Math.round((r.cores * r.wallS * 1e6) / r.checks) : null,
    postgres_cpu_cores: r.pgCores,
    postgres_cpu_us_per_check: r.pgCores !== null && r.checks > 0 ? Math.round((r.pgCores * r.wallS * 1e6) / r.checks) : null,
    warmup_s: r.warmupS,
    warmup_first_contacts: r.warmupFirstContacts,
    // Whole machine, warm-up included.
    machine_cpu_cores: w.machineCores,
    device_server: server.where,
    machine_cores: machine.cores,
    load1_before: machine.load1,
  };
}

/** The child-process side of BENCH_REPLICAS: one camnet poller on the parent's database. */
async function replicaProcess(): Promise<void> {
  const index = Number(process.env.BENCH_REPLICA_INDEX);
  const url = process.env.BENCH_REPLICA_DB_URL;
  const instanceId = process.env.BENCH_REPLICA_ID;
  if (!url || !instanceId) throw new Error('a bench replica needs BENCH_REPLICA_DB_URL and BENCH_REPLICA_ID from its parent');
  const config = benchConfig(url, envNumber('BENCH_INTERVAL_S', 1));
  await replicaMain(index, {
    async start(onCheck, counters) {
      const dataSource = createDataSource(url, config.dbPoolSize);
      await dataSource.initialize();
      const runtime: CamnetRuntime = {
        config,
        dataSource,
        secretBox: new SecretBox(SECRET_KEY),
        clock: systemClock,
        mqttUrl: 'mqtt://127.0.0.1:9',
        instanceId,
      };
      const app = await NestFactory.createApplicationContext(PollBenchModule.forRoot(runtime), { logger: ['error', 'warn'], abortOnError: false });
      const runner = app.get(ProbeRunner);
      const probe = app.get<CameraProbe>(CAMERA_PROBE);
      const firstContact = probe.firstContact.bind(probe);
      probe.firstContact = (t, signal) => {
        counters.firstContacts++;
        return firstContact(t, signal);
      };
      const scheduler = app.get(ProbeScheduler);
      const lease = scheduler.lease.bind(scheduler);
      scheduler.lease = async (n) => {
        const rows = await lease(n);
        counters.leases++;
        counters.leasedRows += rows.length;
        return rows;
      };
      const run = runner.run.bind(runner);
      // Epoch milliseconds with sub-millisecond precision, comparable across processes.
      const nowMs = () => performance.timeOrigin + performance.now();
      runner.run = async (t, o) => {
        const s = nowMs();
        const out = await run(t, o);
        onCheck(t.cameraId, s, nowMs(), out.result.reachable, out.result.ok);
        return out;
      };
      scheduler.start();
      return {
        async stop() {
          await app.close();
          await dataSource.destroy();
        },
      };
    },
  });
}

const role = process.env.BENCH_ROLE;
if (!isMainThread && workerData?.role === 'device-server') void deviceServerWorker(workerData.cameras);
else if (role === 'device-server') void deviceServerProcess(Math.round(envNumber('BENCH_CAMERAS', 25_000)));
else if (role === 'replica')
  replicaProcess().catch((err) => {
    console.error(err);
    process.exit(1);
  });
else if (require.main === module) runMain(main);
