/**
 * `npm run bench:mqtt`: station heartbeats taken end to end — publisher → Mosquitto →
 * camnet's MqttListener → station_state / camera_state last-seen in the database —
 * per second, and the lag from publish to visible in the database.
 *
 * The publisher is a child process (so its CPU is not the listener's), publishing
 * QoS 1 heartbeats for BENCH_STATIONS stations round-robin as fast as the listener
 * keeps up: it stays at most BENCH_WINDOW messages ahead of what the listener has
 * received. Each heartbeat carries a per-station sequence number in temp_c; the
 * benchmark polls station_state every BENCH_POLL_MS and a heartbeat counts as
 * visible once its station's temp_c shows that sequence or a later one. Lag is
 * publish → first poll that sees it (so it includes up to one poll interval, and
 * the listener's 250 ms write batching by design).
 * Broker: MQTT_URL, else a private Mosquitto on a free port (set_tcp_nodelay).
 * Database: DATABASE_URL (a fresh database there), else embedded PGlite in this process.
 * Last line: JSON with messages_per_s, lag_p95_ms…
 *
 * Environment: BENCH_SECONDS (20), BENCH_STATIONS (2000), BENCH_WINDOW (2000),
 * BENCH_PUBLISHERS (4 connections), BENCH_POLL_MS (25), MQTT_URL, DATABASE_URL.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuthModule } from '../src/auth/auth.module';
import { systemClock } from '../src/common/clock';
import { SecretBox } from '../src/common/secret-box';
import { loadConfig } from '../src/config/config';
import { CamnetRuntime, CoreModule } from '../src/core.module';
import { MonitoringModule } from '../src/monitoring/monitoring.module';
import { MqttListener } from '../src/monitoring/mqtt.listener';
import { MQTT_TOPIC_PREFIX } from '../src/monitoring/mqtt.payloads';
import { loadSeedInventory } from '../src/seed/seed.loader';
import type { SeedCamera, SeedStation } from '../src/seed/seed.types';
import {
  BenchBroker,
  cpuWindow,
  envNumber,
  machineNote,
  openBenchDatabase,
  percentile,
  processCpuSeconds,
  progress,
  round,
  runMain,
  sleep,
  startPrivateMosquitto,
} from './bench.support';

const SECRET_KEY = 'ef'.repeat(32);
/** temp_c carries the sequence number: seq / SEQ_SCALE stays inside the schema's [-100, 200]. */
const SEQ_SCALE = 1000;

/** Epoch milliseconds with a fraction, comparable across processes. */
const epochMs = () => performance.timeOrigin + performance.now();

interface StationSpec {
  code: string;
  cameras: string[];
}

// ----------------------------------------------------------------- publisher (child)

type ToChild = { type: 'start'; url: string; stations: StationSpec[]; seconds: number; window: number; publishers: number } | { type: 'received'; n: number };
type FromChild =
  { type: 'ready' } | { type: 'done'; published: number; wallS: number; cpuS: number; log: { station: Int32Array; seq: Int32Array; at: Float64Array } };

async function publisherMain(): Promise<void> {
  const mqtt = (await import('mqtt')).default;
  let received = 0;
  let wake: (() => void) | null = null;
  const start = await new Promise<Extract<ToChild, { type: 'start' }>>((resolve) => {
    process.on('message', (m: ToChild) => {
      if (m.type === 'start') resolve(m);
      else {
        received = m.n;
        const w = wake;
        wake = null;
        w?.();
      }
    });
  });
  const clients = await Promise.all(
    Array.from(
      { length: start.publishers },
      (_, i) =>
        new Promise<import('mqtt').MqttClient>((resolve, reject) => {
          const c = mqtt.connect(start.url, { clientId: `bench-pub-${process.pid}-${i}`, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
          c.once('connect', () => resolve(c));
          c.once('error', reject);
        }),
    ),
  );
  const seqs = new Int32Array(start.stations.length);
  const cap = 4_000_000;
  const logStation = new Int32Array(cap);
  const logSeq = new Int32Array(cap);
  const logAt = new Float64Array(cap);
  const bodies = start.stations.map((s) => s.cameras.map((code) => `{"code":"${code}","online":true}`).join(','));
  const topics = start.stations.map((s) => `${MQTT_TOPIC_PREFIX}/${s.code}/heartbeat`);
  process.send!({ type: 'ready' } satisfies FromChild);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let published = 0;
  let next = 0;
  const until = t0 + start.seconds * 1000;
  while (performance.now() < until) {
    if (published - received >= start.window) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
      continue;
    }
    // Publish a burst, then yield so socket writes and IPC get their turn.
    const burst = Math.min(200, start.window - (published - received));
    for (let k = 0; k < burst; k++) {
      const s = next;
      next = (next + 1) % start.stations.length;
      const seq = ++seqs[s];
      const at = epochMs();
      const payload = `{"ts":"${new Date(at).toISOString()}","uptime_s":${seq},"power":"grid","temp_c":${seq / SEQ_SCALE},"cameras":[${bodies[s]}]}`;
      clients[published % clients.length].publish(topics[s], payload, { qos: 1 });
      if (published < cap) {
        logStation[published] = s;
        logSeq[published] = seq;
        logAt[published] = at;
      }
      published++;
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  await Promise.all(clients.map((cl) => new Promise<void>((r) => cl.end(false, {}, () => r()))));
  const n = Math.min(published, cap);
  const done: FromChild = {
    type: 'done',
    published,
    wallS,
    cpuS: (c.user + c.system) / 1e6,
    log: { station: logStation.slice(0, n), seq: logSeq.slice(0, n), at: logAt.slice(0, n) },
  };
  process.send!(done, () => process.exit(0));
}

// ----------------------------------------------------------------- benchmark (parent)

@Module({})
class MqttBenchModule {
  static forRoot(runtime: CamnetRuntime): DynamicModule {
    return { module: MqttBenchModule, imports: [CoreModule.forRoot(runtime), AuthModule, MonitoringModule] };
  }
}

function inventory(n: number): { stations: SeedStation[]; cameras: SeedCamera[]; specs: StationSpec[] } {
  const stations: SeedStation[] = [];
  const cameras: SeedCamera[] = [];
  const specs: StationSpec[] = [];
  for (let i = 0; i < n; i++) {
    const code = `BS-${String(i + 1).padStart(5, '0')}`;
    const lat = 10.4 + (i % 50) * 0.004;
    const lon = 106.2 + Math.floor(i / 50) * 0.004;
    stations.push({
      code,
      name: `Bench station ${i + 1}`,
      communeCode: 'BENCH',
      communeCode2025: null,
      lat,
      lon,
      routeRef: null,
      installedOn: '2024-01-01',
      fundingVnd: 0,
      fundingSource: 'bench',
      uplink: 'fiber',
    });
    // Long An averages 2.5 cameras a station (1,696 / 670).
    const k = i % 2 === 0 ? 2 : 3;
    const codes: string[] = [];
    for (let j = 1; j <= k; j++) {
      const cc = `${code}-C${j}`;
      codes.push(cc);
      cameras.push({
        code: cc,
        stationCode: code,
        ownership: 'station',
        communeCode: 'BENCH',
        communeCode2025: null,
        lat,
        lon,
        headingDeg: (j * 120) % 360,
        fovDeg: 90,
        rangeM: 80,
        ptz: false,
        onvifUrl: null,
        onvifUser: null,
        onvifPassword: null,
        vendor: null,
        model: null,
        ownerName: null,
        ownerPhone: null,
        registeredOn: null,
      });
    }
    specs.push({ code, cameras: codes });
  }
  return { stations, cameras, specs };
}

async function main(): Promise<Record<string, unknown>> {
  const seconds = envNumber('BENCH_SECONDS', 20);
  const nStations = Math.round(envNumber('BENCH_STATIONS', 2000));
  const window = Math.round(envNumber('BENCH_WINDOW', 2000));
  const publishers = Math.round(envNumber('BENCH_PUBLISHERS', 4));
  const pollMs = envNumber('BENCH_POLL_MS', 25);
  const machine = machineNote();
  progress(`bench:mqtt on ${machine.cores} cores, load average ${machine.load1}, node ${machine.node}`);

  const broker: BenchBroker = process.env.MQTT_URL
    ? { url: process.env.MQTT_URL, kind: 'MQTT_URL', pid: null, close: async () => undefined }
    : await startPrivateMosquitto();
  const db = await openBenchDatabase();
  let child: ChildProcess | null = null;
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | null = null;
  try {
    progress(
      `broker: ${broker.kind} ${broker.url}; database: ${db.engine === 'postgres' ? 'PostgreSQL (DATABASE_URL), a fresh database' : 'embedded PGlite in this process'}`,
    );
    const inv = inventory(nStations);
    const box = new SecretBox(SECRET_KEY);
    await loadSeedInventory(db.dataSource, { adminUnits: [], routes: [], stations: inv.stations, cameras: inv.cameras, roadSigns: [] }, (p) => box.encrypt(p), {
      log: (m) => progress(m),
    });
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: db.engine === 'postgres' ? db.url : undefined,
      MQTT_URL: broker.url,
      CAMNET_SECRET_KEY: SECRET_KEY,
      // The listener is started by hand; the ONVIF poller is not part of this benchmark.
      CAMNET_MONITORING: 'off',
      CAMNET_SIMULATOR: 'off',
      CAMNET_LOG_LEVEL: 'warn',
    });
    const runtime: CamnetRuntime = {
      config,
      dataSource: db.dataSource,
      secretBox: box,
      clock: systemClock,
      mqttUrl: broker.url,
      instanceId: `bench-${randomBytes(3).toString('hex')}`,
    };
    app = await NestFactory.createApplicationContext(MqttBenchModule.forRoot(runtime), { logger: ['error', 'warn'], abortOnError: false });
    const listener = app.get(MqttListener, { strict: false });
    let received = 0;
    const onMessage = listener.onMessage.bind(listener);
    listener.onMessage = (topic: string, payload: Buffer) => {
      received++;
      onMessage(topic, payload);
    };
    await listener.start();

    // Every station says it is online (retained status), as agents do when they connect:
    // heartbeats of online stations only refresh last-seen, which is the hot path measured.
    progress(`bringing ${nStations} stations online (retained status messages)`);
    const mqtt = (await import('mqtt')).default;
    const pub = mqtt.connect(broker.url, { clientId: `bench-status-${process.pid}`, protocolVersion: 4 });
    await new Promise<void>((r) => pub.once('connect', () => r()));
    const statusTs = new Date().toISOString();
    await Promise.all(
      inv.specs.map(
        (s) =>
          new Promise<void>((r) =>
            pub.publish(`${MQTT_TOPIC_PREFIX}/${s.code}/status`, JSON.stringify({ online: true, ts: statusTs }), { qos: 1, retain: true }, () => r()),
          ),
      ),
    );
    const poller = new Client({ connectionString: db.url });
    await poller.connect();
    const onlineBy = Date.now() + 60_000;
    for (;;) {
      const [{ n }] = (await poller.query(`SELECT count(*)::int AS n FROM station_state WHERE status = 'online'`)).rows;
      if (n >= nStations) break;
      if (Date.now() > onlineBy) throw new Error(`only ${n} of ${nStations} stations came online within 60 s`);
      await sleep(200);
    }
    // Clear the retained messages so a broker given by MQTT_URL is left as it was found
    // (the listener drops the empty payloads as not_json, which is expected).
    if (broker.kind === 'MQTT_URL')
      await Promise.all(
        inv.specs.map((s) => new Promise<void>((r) => pub.publish(`${MQTT_TOPIC_PREFIX}/${s.code}/status`, '', { qos: 1, retain: true }, () => r()))),
      );
    await new Promise<void>((r) => pub.end(false, {}, () => r()));
    await sleep(500);

    // The publisher process.
    const idx = new Map(inv.specs.map((s, i) => [s.code, i]));
    child = fork(__filename, ['publisher'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const ready = new Promise<void>((r) => child!.on('message', (m: FromChild) => m.type === 'ready' && r()));
    const done = new Promise<Extract<FromChild, { type: 'done' }>>((r) => child!.on('message', (m: FromChild) => m.type === 'done' && r(m)));
    const receivedAtStart = received;
    child.send({ type: 'start', url: broker.url, stations: inv.specs, seconds, window, publishers } satisfies ToChild);
    await ready;
    const feed = setInterval(() => {
      if (child?.connected) child.send({ type: 'received', n: received - receivedAtStart } satisfies ToChild, () => undefined);
    }, 5);
    child.on('error', () => undefined);

    // Visibility: per station, the polls at which its sequence number went up.
    const seen: { seq: number[]; at: number[] }[] = inv.specs.map(() => ({ seq: [], at: [] }));
    const lastSeq = new Int32Array(nStations);
    let polls = 0;
    let pollMsTotal = 0;
    let stop = false;
    const cpu = cpuWindow();
    const brokerCpu0 = broker.pid ? processCpuSeconds(broker.pid) : null;
    const t0 = performance.now();
    const pollLoop = (async () => {
      while (!stop) {
        const ps = performance.now();
        const rows: { code: string; temp_c: number | null }[] = (
          await poller.query(`SELECT st.code, ss.temp_c FROM station_state ss JOIN station st ON st.id = ss.station_id`)
        ).rows;
        const at = epochMs();
        for (const r of rows) {
          const i = idx.get(r.code);
          if (i === undefined || r.temp_c === null) continue;
          const seq = Math.round(r.temp_c * SEQ_SCALE);
          if (seq > lastSeq[i]) {
            lastSeq[i] = seq;
            seen[i].seq.push(seq);
            seen[i].at.push(at);
          }
        }
        polls++;
        pollMsTotal += performance.now() - ps;
        await sleep(Math.max(0, pollMs - (performance.now() - ps)));
      }
    })();
    let lastR = received;
    let lastT = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      progress(`  listener received ${Math.round(((received - lastR) * 1000) / (now - lastT))} heartbeats/s`);
      lastR = received;
      lastT = now;
    }, 5000);
    progress(`publishing heartbeats of ${nStations} stations for ${seconds} s (QoS 1, ${publishers} connections, at most ${window} ahead of the listener)`);
    const result = await done;
    clearInterval(feed);
    clearInterval(ticker);
    const receivedInRun = received - receivedAtStart;
    const w = cpu.stop();
    const brokerCpu1 = broker.pid ? processCpuSeconds(broker.pid) : null;
    // Let the last batch reach the database, then stop polling.
    const drainUntil = performance.now() + 3000;
    while (performance.now() < drainUntil) {
      let all = true;
      for (let i = 0; i < nStations && all; i++) if (lastSeq[i] < expectedLast(result.log, i)) all = false;
      if (all) break;
      await sleep(50);
    }
    stop = true;
    await pollLoop;

    // Lag of every published heartbeat: the first poll that saw its sequence number (or a later one).
    const lags: number[] = [];
    let visible = 0;
    const { station, seq, at } = result.log;
    for (let k = 0; k < station.length; k++) {
      const s = seen[station[k]];
      const j = lowerBound(s.seq, seq[k]);
      if (j < s.seq.length) {
        lags.push(s.at[j] - at[k]);
        visible++;
      }
    }
    lags.sort((a, b) => a - b);
    const [{ n: camerasSeen }] = (
      await poller.query(`SELECT count(*)::int AS n FROM camera_state WHERE last_seen_at >= $1`, [new Date(performance.timeOrigin + t0)])
    ).rows;
    await poller.end();
    const wallS = result.wallS;
    const perS = visible / wallS;
    progress('results:');
    progress(
      `  ${result.published} heartbeats published in ${wallS.toFixed(1)} s, ${receivedInRun} received by the listener, ${visible} visible in the database ` +
        `(${camerasSeen} of ${inv.cameras.length} cameras' last-seen refreshed)`,
    );
    progress(
      `  end to end ${round(perS)} heartbeats/s; lag publish → in the database p50 ${round(percentile(lags, 50))} ms, p95 ${round(percentile(lags, 95))} ms, max ${round(lags[lags.length - 1])} ms`,
    );
    progress(
      `  CPU: this process (listener${db.engine === 'pglite' ? ' + PGlite' : ''}) ${round(w.processCores, 2)} cores, publisher ${round(result.cpuS / wallS, 2)}, ` +
        `broker ${brokerCpu0 !== null && brokerCpu1 !== null ? round((brokerCpu1 - brokerCpu0) / w.wallS, 2) : '?'}, machine ${w.machineCores ?? '?'}`,
    );
    progress(
      `  database polled ${polls} times (every ${pollMs} ms, ${round(pollMsTotal / Math.max(1, polls), 1)} ms a poll): lag includes up to one poll interval`,
    );
    progress(`  target 5,000 heartbeats/s: ${perS >= 5000 ? 'met' : 'MISSED'}`);
    return {
      bench: 'mqtt',
      messages_per_s: round(perS),
      lag_p95_ms: round(percentile(lags, 95)),
      lag_p50_ms: round(percentile(lags, 50)),
      lag_max_ms: round(lags[lags.length - 1]),
      published: result.published,
      received: receivedInRun,
      visible,
      stations: nStations,
      cameras: inv.cameras.length,
      cameras_last_seen_refreshed: camerasSeen,
      seconds: round(wallS, 1),
      qos: 1,
      window,
      broker: broker.kind,
      database: db.engine,
      cpu_cores: round(w.processCores, 2),
      publisher_cpu_cores: round(result.cpuS / wallS, 2),
      broker_cpu_cores: brokerCpu0 !== null && brokerCpu1 !== null ? round((brokerCpu1 - brokerCpu0) / w.wallS, 2) : null,
      machine_cpu_cores: w.machineCores,
      // Other processes on the machine meanwhile (PostgreSQL too, with DATABASE_URL): near 0 for comparable figures.
      other_cpu_cores:
        w.machineCores !== null && brokerCpu0 !== null && brokerCpu1 !== null
          ? round(Math.max(0, w.machineCores - w.processCores - result.cpuS / wallS - (brokerCpu1 - brokerCpu0) / w.wallS), 2)
          : null,
      db_poll_ms: pollMs,
      machine_cores: machine.cores,
      load1_before: machine.load1,
    };
  } finally {
    child?.kill();
    await app?.close().catch(() => undefined);
    await db.close();
    await broker.close();
  }
}

/** The last sequence number published for station i (0 when none). */
const lastCache = new Map<Int32Array, Int32Array>();
function expectedLast(log: { station: Int32Array; seq: Int32Array }, i: number): number {
  let m = lastCache.get(log.station);
  if (m === undefined) {
    let max = 0;
    for (let k = 0; k < log.station.length; k++) max = Math.max(max, log.station[k]);
    m = new Int32Array(max + 1);
    for (let k = 0; k < log.station.length; k++) m[log.station[k]] = Math.max(m[log.station[k]], log.seq[k]);
    lastCache.set(log.station, m);
  }
  return i < m.length ? m[i] : 0;
}

function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

if (require.main === module) {
  if (process.argv[2] === 'publisher') {
    publisherMain().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  } else runMain(main);
}
