/**
 * `npm run bench:idle`: what watching Long An costs when nothing happens.
 *
 * The real service (`dist/src/main.js`) runs in a process of its own on a fresh
 * PostgreSQL database (DATABASE_URL), with the Long An inventory and a private
 * Mosquitto. This process runs the simulated fleet: the 1,696 station cameras'
 * ONVIF devices and the 670 stations heartbeating over MQTT, chaos off (nothing
 * happens). After a warm-up (every camera checked once, first contacts made), the
 * service's CPU time, its PostgreSQL backends' and this fleet's are sampled once a
 * minute for BENCH_IDLE_MINUTES. Reported: the service's share of a core (median and
 * range of the minutes, and over the whole window), CPU-seconds per camera-hour, and
 * the same for PostgreSQL. Target (issue 12): under 5 % of a core for 1,696 cameras
 * at a 60 s interval.
 *
 * Environment: DATABASE_URL (required), BENCH_IDLE_MINUTES (5), BENCH_WARMUP_S (90),
 * BENCH_INTERVAL_S (60), BENCH_IDLE_MQTT=off (no broker and no stations: the ONVIF
 * checks alone), BENCH_IDLE_VIEW=off (no picture-health snapshots: CAMNET_VIEW_INTERVAL_S
 * set to a day), BENCH_CPU_PROFILE=<folder> (a CPU profile of the service's whole run,
 * written when it stops).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SecretBox } from '../src/common/secret-box';
import { generateSeedInventory } from '../src/seed/seed.generator';
import { loadSeedInventory } from '../src/seed/seed.loader';
import { startSimulator } from '../src/simulator/simulator';
import {
  cpuSecondsOf,
  envNumber,
  freePort,
  machineNote,
  openBenchDatabase,
  postgresBackends,
  processCpuSeconds,
  progress,
  round,
  runMain,
  sleep,
  startPrivateMosquitto,
} from './bench.support';

const SECRET_KEY = 'cd'.repeat(32);
const TARGET_CORES = 0.05;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Starts the service as `node dist/src/main.js`; resolves once /readyz answers 200. */
async function startService(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const main = path.join(__dirname, '..', 'src', 'main.js');
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const args = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, main] : [main];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`camnet exited with code ${code} before it was ready`))));
  const ready = (async () => {
    const until = Date.now() + 180_000;
    while (Date.now() < until) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return child;
      await sleep(500);
    }
    throw new Error('camnet was not ready within 180 s');
  })();
  return Promise.race([ready, exited]);
}

async function main(): Promise<Record<string, unknown>> {
  if (!process.env.DATABASE_URL) throw new Error('npm run bench:idle needs PostgreSQL: set DATABASE_URL (a fresh database is created there and dropped)');
  const minutes = envNumber('BENCH_IDLE_MINUTES', 5);
  const warmupS = envNumber('BENCH_WARMUP_S', 90);
  const intervalS = envNumber('BENCH_INTERVAL_S', 60);
  const withMqtt = process.env.BENCH_IDLE_MQTT !== 'off';
  const withView = process.env.BENCH_IDLE_VIEW !== 'off';
  const machine = machineNote();
  progress(`bench:idle on ${machine.cores} cores, load average ${machine.load1}, node ${machine.node}`);

  const broker = withMqtt ? await startPrivateMosquitto() : null;
  const db = await openBenchDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-bench-idle-'));
  let service: ChildProcess | null = null;
  let sim: Awaited<ReturnType<typeof startSimulator>> | null = null;
  try {
    const inv = generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:0' });
    const stationCameras = inv.cameras.filter((c) => c.stationCode !== null);
    sim = await startSimulator({
      cameras: stationCameras,
      stations: inv.stations,
      port: 0,
      mqttUrl: broker?.url ?? null,
      mqttProtocolVersion: 4,
      connectSpreadMs: 5_000,
      chaos: false,
      logger: { log: () => undefined, warn: () => undefined },
    });
    const simUrl = sim.baseUrl;
    const cameras = inv.cameras.map((c) => (c.stationCode !== null ? { ...c, onvifUrl: `${simUrl}/onvif/${c.code}/device_service` } : c));
    const box = new SecretBox(SECRET_KEY);
    await loadSeedInventory(db.dataSource, { ...inv, cameras }, (p) => box.encrypt(p), { intervalS, now: new Date() });
    const [{ n: monitored }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM camera WHERE onvif_url IS NOT NULL AND retired_on IS NULL`);
    progress(
      `inventory: ${inv.cameras.length} cameras, ${monitored} monitored (ONVIF), ${inv.stations.length} stations${broker ? ` heartbeating to ${broker.url}` : ' (no broker: MQTT off)'}; fleet ${simUrl}`,
    );

    const port = await freePort();
    service = await startService(
      {
        DATABASE_URL: db.url,
        ...(broker ? { MQTT_URL: broker.url } : {}),
        PORT: String(port),
        CAMNET_DATA_DIR: dataDir,
        CAMNET_SECRET_KEY: SECRET_KEY,
        CAMNET_SIMULATOR: 'off',
        CAMNET_SEED: 'off',
        CAMNET_POLL_INTERVAL_S: String(intervalS),
        CAMNET_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
        CAMNET_LOG_LEVEL: 'warn',
        ...(withView ? {} : { CAMNET_VIEW_INTERVAL_S: '86400' }),
        ...(withMqtt ? {} : { CAMNET_STATION_SILENT_S: '86400' }),
      },
      port,
    );
    const pid = service.pid!;
    progress(`camnet (pid ${pid}) ready on :${port}; warming up for ${warmupS} s`);
    await sleep(warmupS * 1000);

    // Backends come and go (the pool's idle ones are closed): each interval counts those alive at its end,
    // from their CPU at its start (0 for one that started meanwhile).
    const pgCpu = (): Map<number, number> => new Map((db.name === null ? [] : postgresBackends(db.name)).map((p) => [p, cpuSecondsOf([p])]));
    let pgPrev = pgCpu();
    let pgTotal = 0;
    const pgDelta = (): number => {
      const now = pgCpu();
      let d = 0;
      for (const [p, s] of now) d += s - (pgPrev.get(p) ?? 0);
      pgPrev = now;
      pgTotal += d;
      return pgTotal;
    };
    const sample = () => ({ t: performance.now(), camnet: processCpuSeconds(pid) ?? NaN, pg: pgDelta(), fleet: process.cpuUsage() });
    const first = sample();
    const checks0 = await checksDone(port);
    let prev = first;
    const perMinute: Array<{ camnet: number; pg: number }> = [];
    for (let m = 0; m < minutes; m++) {
      await sleep(60_000);
      const s = sample();
      const wall = (s.t - prev.t) / 1000;
      perMinute.push({ camnet: (s.camnet - prev.camnet) / wall, pg: (s.pg - prev.pg) / wall });
      progress(`  minute ${m + 1}: camnet ${round(perMinute[m].camnet * 100, 1)} % of a core, PostgreSQL ${round(perMinute[m].pg * 100, 1)} %`);
      prev = s;
    }
    const wallS = (prev.t - first.t) / 1000;
    const checks = (await checksDone(port)) - checks0;
    const camnetCores = (prev.camnet - first.camnet) / wallS;
    const pgCores = (prev.pg - first.pg) / wallS;
    const fleetCpu = process.cpuUsage(first.fleet);
    const fleetCores = (fleetCpu.user + fleetCpu.system) / 1e6 / wallS;
    const load1After = os.loadavg()[0];
    const cams = stationCameras.length;
    progress(
      `camnet: ${round(camnetCores * 100, 2)} % of a core over ${round(wallS / 60, 1)} min (minutes: median ${round(median(perMinute.map((x) => x.camnet)) * 100, 2)} %, ` +
        `${round(Math.min(...perMinute.map((x) => x.camnet)) * 100, 2)}–${round(Math.max(...perMinute.map((x) => x.camnet)) * 100, 2)} %), ` +
        `${round((camnetCores * 3600) / cams, 3)} CPU-s per camera-hour; ${checks} checks (${round(checks / wallS, 1)}/s, ${round((camnetCores * wallS * 1e6) / Math.max(1, checks))} µs of camnet CPU each)`,
    );
    progress(
      `PostgreSQL: ${round(pgCores * 100, 2)} % of a core; the fleet (this process): ${round(fleetCores * 100, 2)} %; load average ${round(load1After, 2)}`,
    );
    progress(`target: under ${TARGET_CORES * 100} % of a core for the service: ${camnetCores < TARGET_CORES ? 'met' : 'NOT met'}`);
    return {
      bench: 'idle',
      cameras: cams,
      interval_s: intervalS,
      mqtt: withMqtt,
      view: withView,
      minutes: round(wallS / 60, 1),
      camnet_cores: round(camnetCores, 4),
      camnet_cores_per_minute: perMinute.map((x) => round(x.camnet, 4)),
      camnet_cpu_s_per_camera_hour: round((camnetCores * 3600) / cams, 4),
      checks_per_s: round(checks / wallS, 1),
      camnet_cpu_us_per_check: Math.round((camnetCores * wallS * 1e6) / Math.max(1, checks)),
      postgres_cores: round(pgCores, 4),
      postgres_cpu_s_per_camera_hour: round((pgCores * 3600) / cams, 4),
      fleet_cores: round(fleetCores, 4),
      target_met: camnetCores < TARGET_CORES,
      machine_cores: machine.cores,
      load1_before: machine.load1,
      load1_after: round(load1After, 2),
    };
  } finally {
    if (service !== null && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      const t = setTimeout(() => service!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    await sim?.stop();
    await db.close();
    await broker?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** ONVIF checks the service ran so far, from its /metrics (camnet_probe_checks_total, every outcome). */
async function checksDone(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith('camnet_probe_checks_total{')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

runMain(main);
