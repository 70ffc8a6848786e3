/**
 * `npm run soak`: two camnet replicas on one PostgreSQL and one Mosquitto, the
 * simulated Long An fleet with its background chaos, and the faults operators meet,
 * on a schedule, for SOAK_MINUTES:
 *   - the database cut for 60 s, then for 120 s (a TCP proxy between camnet and
 *     PostgreSQL refuses new connections and resets the established ones);
 *   - the broker stopped cleanly (SIGTERM, as `systemctl restart` does) and killed
 *     (SIGKILL), each started again a second later;
 *   - real station drops (a station's TCP connection cut) every SOAK_DROP_EVERY_S,
 *     each lasting 20–60 s: the events camnet must record.
 * At the end it compares what camnet recorded with what happened: each dropped
 * station must have exactly one offline event and one station_down alert opened
 * within 3 s of the drop, and no other station may have gone offline (false
 * outages). Last line: JSON with those counts, deadlocks (pg_stat_database),
 * retries, buffer peaks, what was dropped and the process RSS peak.
 *
 * Needs PostgreSQL (DATABASE_URL: a fresh database is created there and dropped)
 * and the mosquitto binary (a private broker on a free port). Not part of `npm test`.
 * Environment: SOAK_MINUTES (30), SOAK_STATIONS (all 670), SOAK_POLL_INTERVAL_S (60),
 * SOAK_DROP_EVERY_S (45), CAMNET_STATION_SILENT_S (90).
 */
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { AlertsModule } from '../src/alerts/alerts.module';
import { AlertService } from '../src/alerts/alert.service';
import { AuthModule } from '../src/auth/auth.module';
import { systemClock } from '../src/common/clock';
import { SecretBox } from '../src/common/secret-box';
import { loadConfig } from '../src/config/config';
import { CamnetRuntime, CoreModule } from '../src/core.module';
import { createDataSource } from '../src/database/data-source';
import { METRICS } from '../src/health/metrics';
import { APPLY_BUFFERS } from '../src/monitoring/monitoring.metrics';
import { MonitoringModule } from '../src/monitoring/monitoring.module';
import { generateSeedInventory } from '../src/seed/seed.generator';
import { loadSeedInventory } from '../src/seed/seed.loader';
import { startSimulator } from '../src/simulator/simulator';
import { envNumber, machineNote, openBenchDatabase, progress, round, runMain, sleep } from './bench.support';
import { startRestartableMosquitto } from './restartable-mosquitto';
import { startTcpProxy } from './tcp-proxy';

const SECRET_KEY = 'cd'.repeat(32);

@Module({})
class SoakModule {
  static forRoot(runtime: CamnetRuntime): DynamicModule {
    return { module: SoakModule, imports: [CoreModule.forRoot(runtime), AuthModule, MonitoringModule, AlertsModule] };
  }
}

interface Drop {
  station: string;
  at: number;
}

async function metricSum(
  app: INestApplicationContext,
  name: string,
  filter: (labels: Partial<Record<string, string | number>>) => boolean = () => true,
): Promise<number> {
  const m = app.get<Registry>(METRICS, { strict: false }).getSingleMetric(name);
  if (!m) return 0;
  return (await m.get()).values.filter((v) => filter(v.labels)).reduce((a, v) => a + v.value, 0);
}

async function main(): Promise<Record<string, unknown>> {
  if (!process.env.DATABASE_URL) throw new Error('npm run soak needs PostgreSQL: set DATABASE_URL (two replicas cannot share the embedded PGlite)');
  const minutes = envNumber('SOAK_MINUTES', 30);
  const pollS = envNumber('SOAK_POLL_INTERVAL_S', 60);
  const dropEveryS = envNumber('SOAK_DROP_EVERY_S', 45);
  const silentS = envNumber('CAMNET_STATION_SILENT_S', 90);
  const machine = machineNote();
  progress(`soak for ${minutes} min on ${machine.cores} cores (load ${machine.load1}), Node ${machine.node}`);

  const broker = await startRestartableMosquitto();
  if (broker === null) throw new Error('npm run soak needs the mosquitto binary (apt-get install mosquitto)');
  const db = await openBenchDatabase();
  const target = new URL(db.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const inv = generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:0' });
  const nStations = Math.min(inv.stations.length, envNumber('SOAK_STATIONS', inv.stations.length));
  const stations = inv.stations.slice(0, nStations);
  const codes = new Set(stations.map((s) => s.code));
  let cameras = inv.cameras.filter((c) => c.stationCode !== null && codes.has(c.stationCode));
  const sim = await startSimulator({
    cameras,
    stations,
    port: 0,
    mqttUrl: broker.url,
    mqttProtocolVersion: 4,
    heartbeatIntervalMs: 10_000,
    connectSpreadMs: 5_000,
    // Camera faults only: the station drops are the soak's own, so it knows what to expect.
    chaos: { stationDownChance: 0 },
    logger: { log: () => undefined, warn: () => undefined },
  });
  cameras = cameras.map((c) => ({ ...c, onvifUrl: `${sim.baseUrl}/onvif/${c.code}/device_service` }));
  const box = new SecretBox(SECRET_KEY);
  await loadSeedInventory(db.dataSource, { ...inv, stations, cameras, roadSigns: [] }, (p) => box.encrypt(p), { intervalS: pollS, now: new Date() });
  progress(`fleet: ${stations.length} stations, ${cameras.length} cameras; broker ${broker.url}; database via proxy :${proxy.port}`);

  const [{ deadlocks: deadlocksBefore }] = await db.dataSource.query(`SELECT deadlocks::int FROM pg_stat_database WHERE datname = current_database()`);
  const replicas: INestApplicationContext[] = [];
  for (const name of ['a', 'b']) {
    const config = loadConfig({
      DATABASE_URL: proxy.url(db.url),
      MQTT_URL: broker.url,
      MQTT_SHARED_GROUP: 'camnet',
      CAMNET_SECRET_KEY: SECRET_KEY,
      CAMNET_POLL_INTERVAL_S: String(pollS),
      CAMNET_STATION_SILENT_S: String(silentS),
      CAMNET_MONITORING: 'on',
      CAMNET_SIMULATOR: 'off',
    });
    const dataSource = createDataSource(proxy.url(db.url), 10);
    await dataSource.initialize();
    const runtime: CamnetRuntime = {
      config,
      dataSource,
      secretBox: box,
      clock: systemClock,
      mqttUrl: broker.url,
      instanceId: `soak-${name}-${randomBytes(2).toString('hex')}`,
    };
    replicas.push(await NestFactory.createApplicationContext(SoakModule.forRoot(runtime), { logger: ['error'], abortOnError: false }));
  }
  let rssPeak = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 1000);

  const started = Date.now();
  const endAt = started + minutes * 60_000;
  // Faults on a 15-minute cycle, from minute 3 (after the fleet has settled).
  const schedule: Array<{ atS: number; what: string; run: () => Promise<void> }> = [];
  for (let cycle = 0; cycle * 900 < minutes * 60; cycle++) {
    const c = cycle * 900;
    schedule.push({
      atS: c + 180,
      what: 'database cut for 60 s',
      run: () =>
        proxy
          .cut()
          .then(() => sleep(60_000))
          .then(() => proxy.restore()),
    });
    schedule.push({
      atS: c + 330,
      what: 'broker SIGTERM, restarted 1 s later',
      run: () =>
        broker
          .stop('SIGTERM')
          .then(() => sleep(1000))
          .then(() => broker.start()),
    });
    schedule.push({
      atS: c + 480,
      what: 'database cut for 120 s',
      run: () =>
        proxy
          .cut()
          .then(() => sleep(120_000))
          .then(() => proxy.restore()),
    });
    schedule.push({
      atS: c + 720,
      what: 'broker SIGKILL, restarted 1 s later',
      run: () =>
        broker
          .stop('SIGKILL')
          .then(() => sleep(1000))
          .then(() => broker.start()),
    });
  }
  const faults = (async () => {
    for (const f of schedule) {
      const wait = started + f.atS * 1000 - Date.now();
      if (started + f.atS * 1000 + 125_000 > endAt) break;
      if (wait > 0) await sleep(wait);
      progress(`fault: ${f.what}`);
      await f.run();
      progress(`fault over: ${f.what}`);
    }
  })();
  // Real station drops: one at a time, never while a broker fault is under way (its Will would be lost with the broker).
  const drops: Drop[] = [];
  const dropper = (async () => {
    let i = 0;
    await sleep(120_000);
    while (Date.now() + 90_000 < endAt) {
      const s = stations[(i++ * 37) % stations.length].code;
      if (!broker.running) {
        await sleep(5000);
        continue;
      }
      drops.push({ station: s, at: Date.now() });
      await fetch(`${sim.baseUrl}/sim/stations/${s}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'down' }),
      });
      await sleep(20_000 + Math.random() * 40_000);
      await fetch(`${sim.baseUrl}/sim/stations/${s}/faults`, { method: 'DELETE' });
      await sleep(Math.max(0, dropEveryS * 1000 - 60_000));
    }
  })();
  while (Date.now() < endAt) {
    await sleep(Math.min(60_000, endAt - Date.now()));
    progress(`${round((Date.now() - started) / 60_000)} min; RSS ${round(process.memoryUsage().rss / 2 ** 20)} MB`);
  }
  await Promise.all([faults, dropper]);
  await proxy.restore();
  if (!broker.running) await broker.start();
  await sleep(15_000); // the last writes land
  for (const app of replicas) await app.get(AlertService, { strict: false }).settled();

  // What camnet recorded, against what happened.
  const q = db.dataSource;
  const offline: { code: string; at: Date; reason: string }[] = await q.query(
    `SELECT st.code, e.at, e.reason FROM status_event e JOIN station st ON st.id = e.subject_id
     WHERE e.subject = 'station' AND e.status = 'offline' AND e.at >= $1 ORDER BY e.at`,
    [new Date(started + 60_000)],
  );
  const alerts: { subject: string; opened_at: Date }[] = await q.query(
    `SELECT subject, opened_at FROM alert WHERE kind = 'station_down' AND opened_at >= $1 ORDER BY opened_at`,
    [new Date(started + 60_000)],
  );
  let recorded = 0;
  let late = 0;
  const matched = new Set<number>();
  const alertMatched = new Set<number>();
  let alertsRecorded = 0;
  for (const d of drops) {
    const i = offline.findIndex(
      (e, k) => !matched.has(k) && e.code === d.station && new Date(e.at).getTime() >= d.at - 1000 && new Date(e.at).getTime() <= d.at + 60_000,
    );
    if (i >= 0) {
      matched.add(i);
      recorded++;
      if (new Date(offline[i].at).getTime() - d.at > 3000) late++;
    }
    const j = alerts.findIndex(
      (a, k) => !alertMatched.has(k) && a.subject === `station:${d.station}` && Math.abs(new Date(a.opened_at).getTime() - d.at) <= 60_000,
    );
    if (j >= 0) {
      alertMatched.add(j);
      alertsRecorded++;
    }
  }
  const falseOffline = offline.filter((_, k) => !matched.has(k));
  const falseAlerts = alerts.filter((_, k) => !alertMatched.has(k));
  const [{ deadlocks: deadlocksAfter }] = await q.query(`SELECT deadlocks::int FROM pg_stat_database WHERE datname = current_database()`);
  const sum = async (name: string, filter?: (l: Partial<Record<string, string | number>>) => boolean) =>
    (await Promise.all(replicas.map((r) => metricSum(r, name, filter)))).reduce((a, b) => a + b, 0);
  const peaks: Record<string, number> = {};
  for (const b of APPLY_BUFFERS) {
    peaks[b] = Math.max(...(await Promise.all(replicas.map((r) => metricSum(r, 'camnet_apply_buffer_peak_items', (l) => l.buffer === b)))));
  }
  const figures = {
    soak_minutes: minutes,
    machine,
    stations: stations.length,
    cameras: cameras.length,
    poll_interval_s: pollS,
    station_silent_s: silentS,
    faults: schedule.filter((f) => started + f.atS * 1000 + 125_000 <= endAt).map((f) => f.what),
    station_drops: drops.length,
    events_expected: drops.length,
    events_recorded: recorded,
    events_later_than_3s: late,
    station_down_alerts_expected: drops.length,
    station_down_alerts_recorded: alertsRecorded,
    false_offline_events: falseOffline.length,
    false_alerts: falseAlerts.length,
    false_examples: falseOffline.slice(0, 5).map((e) => `${e.code} ${new Date(e.at).toISOString()} ${e.reason}`),
    deadlocks: deadlocksAfter - deadlocksBefore,
    retries: {
      lock_conflict: await sum('camnet_db_write_retries_total', (l) => l.kind === 'lock_conflict'),
      connection: await sum('camnet_db_write_retries_total', (l) => l.kind === 'connection'),
    },
    dropped: await sum('camnet_apply_dropped_total'),
    wills_from_closing_broker: await sum('camnet_mqtt_messages_dropped_total', (l) => l.reason === 'will_from_closing_broker'),
    buffer_peaks: peaks,
    rss_peak_mb: round(rssPeak / 2 ** 20),
  };
  clearInterval(rssTimer);
  for (const app of replicas) await app.close();
  await sim.stop();
  await proxy.close();
  await broker.close();
  await db.close();
  return figures;
}

runMain(main);
