/**
 * Ordinary faults raise no false outage and lose no event (issue 7): camnet reaches
 * its database through a TCP proxy that the test cuts (connections refused and the
 * established ones reset) and restores, and listens to a Mosquitto of the test's own
 * that it stops with SIGTERM or SIGKILL and starts again on the same port, while the
 * simulated stations heartbeat every 500 ms. Every scenario asserts on the rows camnet
 * wrote: status_event, alert, and the uptime report (uptime_daily's arithmetic).
 *
 * Timings are shrunk so the file stays short: a station is silent after 3 s instead of
 * 90 s (CAMNET_STATION_SILENT_S), so the 60 s and 120 s outages of the issue become 2 s
 * and 4 s (two thirds of, and more than, the silence limit). `npm run soak` runs the
 * real 90 s limit with 60 s and 120 s outages.
 */
import { INestApplication } from '@nestjs/common';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AlertsModule } from '../../src/alerts/alerts.module';
import { AlertService } from '../../src/alerts/alert.service';
import { HealthModule } from '../../src/health/health.module';
import { METRICS } from '../../src/health/metrics';
import { ListeningWindow } from '../../src/monitoring/listening-window';
import { MqttListener } from '../../src/monitoring/mqtt.listener';
import { UptimeModule } from '../../src/uptime/uptime.module';
import { UptimeService } from '../../src/uptime/uptime.service';
import { mosquittoInstalled, startRestartableMosquitto, RestartableMosquitto } from '../../bench/restartable-mosquitto';
import { startTcpProxy, TcpProxy } from '../../bench/tcp-proxy';
import { Fleet, Instance, openFleet, simFault, startInstance, waitFor } from './monitoring.harness';

const SILENT_S = 3;
const SILENT_MS = SILENT_S * 1000;

let broker: RestartableMosquitto | null;
let fleet: Fleet;
let proxy: TcpProxy;
let inst: Instance;
let db: DataSource;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** waitFor() stops at a truthy answer: an empty list must read as "not yet". */
const some = <T>(rows: T[]): T[] | null => (rows.length > 0 ? rows : null);
const http = () => request((inst.app as INestApplication).getHttpServer());

beforeAll(async () => {
  // The broker scenarios need Mosquitto's own behaviour (Wills published at SIGTERM); without the binary they are skipped.
  broker = process.env.CAMNET_TEST_MQTT === 'aedes' ? null : await startRestartableMosquitto();
  fleet = await openFleet({ stations: 5, heartbeatIntervalMs: 500, ...(broker ? { broker } : {}) });
  // PGlite's socket server serves one connection at a time: the instance's, through the proxy, must be the only one.
  if (fleet.db.engine === 'pglite') await fleet.db.dataSource.destroy();
  const target = new URL(fleet.db.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port));
  inst = await startInstance(fleet, {
    databaseUrl: proxy.url(fleet.db.url),
    imports: [AlertsModule, UptimeModule, HealthModule],
    http: true,
    env: { CAMNET_STATION_SILENT_S: String(SILENT_S) },
  });
  // The assertions read through the instance's own pool: PGlite serves one session at a time.
  db = inst.runtime.dataSource;
  const allOnline = await waitFor(
    async () => {
      const [r] = await db.query(
        `SELECT (SELECT count(*) FROM station_state WHERE status = 'online')::int AS st, (SELECT count(*) FROM camera_state WHERE status = 'online')::int AS cam`,
      );
      return r.st === fleet.stations.length && r.cam === fleet.cameras.length;
    },
    30_000,
    200,
  );
  expect(allOnline).toBe(true);
}, 90_000);

afterAll(async () => {
  await proxy?.restore();
  await inst?.close();
  await fleet?.close();
  await proxy?.close();
  await broker?.close();
});

async function stationEvents(since: number, status = 'offline'): Promise<{ code: string; at: Date; reason: string }[]> {
  return db.query(
    `SELECT st.code, e.at, e.reason FROM status_event e JOIN station st ON st.id = e.subject_id
     WHERE e.subject = 'station' AND e.status = $2 AND e.at >= $1 ORDER BY e.id`,
    [new Date(since), status],
  );
}

async function cameraEvents(since: number, status = 'offline'): Promise<{ code: string; at: Date; reason: string }[]> {
  return db.query(
    `SELECT c.code, e.at, e.reason FROM status_event e JOIN camera c ON c.id = e.subject_id
     WHERE e.subject = 'camera' AND e.status = $2 AND e.at >= $1 ORDER BY e.id`,
    [new Date(since), status],
  );
}

async function alertsSince(since: number): Promise<{ kind: string; subject: string; opened_at: Date }[]> {
  await inst.app.get(AlertService).settled();
  return db.query(`SELECT kind, subject, opened_at FROM alert WHERE opened_at >= $1 ORDER BY id`, [new Date(since)]);
}

async function offlineSeconds(code: string, from: number): Promise<number> {
  const r = await inst.app.get(UptimeService).report({ scope: 'station', code, from: new Date(from).toISOString(), to: new Date().toISOString() });
  return r.offline_s;
}

async function everyCameraOnline(): Promise<boolean> {
  const [r] = await db.query(`SELECT count(*)::int AS n FROM camera_state WHERE status = 'online'`);
  return r.n === fleet.cameras.length;
}

async function everyStationOnline(): Promise<boolean> {
  const [r] = await db.query(`SELECT count(*)::int AS n FROM station_state WHERE status = 'online'`);
  return r.n === fleet.stations.length;
}

describe('the database goes away while the stations keep sending', () => {
  it.each([
    ['2 s (60 s of the issue, two thirds of the silence limit)', 2000],
    ['4 s (120 s of the issue, longer than the silence limit)', 4000],
  ])(
    'for %s: no false offline, no alert, no offline second',
    async (_name, outageMs) => {
      const t0 = Date.now();
      await proxy.cut();
      // /readyz says so while it lasts.
      await http().get('/readyz').expect(503);
      await sleep(outageMs);
      await proxy.restore();
      const restored = Date.now();
      const ready = await waitFor(async () => (await http().get('/readyz')).status === 200, 5000, 50);
      expect(ready).toBe(true);
      // camnet was back within a second (a generous deadline for a busy machine: 3 s).
      expect(Date.now() - restored).toBeLessThan(3000);
      // Long enough after the outage for the silence sweep to have judged (twice the limit).
      await sleep(2 * SILENT_MS + 1000);
      expect(await stationEvents(t0)).toEqual([]);
      expect(await cameraEvents(t0)).toEqual([]);
      expect(await alertsSince(t0)).toEqual([]);
      for (const s of fleet.stations) expect({ station: s.code, offline_s: await offlineSeconds(s.code, t0) }).toEqual({ station: s.code, offline_s: 0 });
      // The heartbeats heard during the outage were written after it.
      const [seen] = await db.query(`SELECT min(last_seen_at) AS oldest FROM station_state`);
      expect(new Date(seen.oldest).getTime()).toBeGreaterThan(restored);
    },
    60_000,
  );

  it("a station's Will and two camera faults during the outage are recorded after it, the Will at its own time, with one station_down alert", async () => {
    const [down, ...others] = fleet.stations;
    const downCameras = fleet.cameras.filter((c) => c.stationCode === down.code).map((c) => c.code);
    const faulty = others.map((s) => fleet.cameras.find((c) => c.stationCode === s.code)!.code).slice(0, 2);
    const t0 = Date.now();
    try {
      await willAndFaultsDuringOutage(t0, down.code, downCameras, faulty);
    } finally {
      await proxy.restore();
      await simFault(fleet, 'stations', down.code, null);
      for (const code of faulty) await simFault(fleet, 'devices', code, null);
    }
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
    expect(await waitFor(everyCameraOnline, 20_000, 200)).toBe(true);
  }, 90_000);
});

async function willAndFaultsDuringOutage(t0: number, down: string, downCameras: string[], faulty: string[]): Promise<void> {
  await proxy.cut();
  await sleep(300);
  const willAt = Date.now();
  await simFault(fleet, 'stations', down, { kind: 'down' });
  for (const code of faulty) await simFault(fleet, 'devices', code, { kind: 'offline' });
  await sleep(3000);
  await proxy.restore();
  const restored = Date.now();

  // The Will: recorded with the time it was heard (during the outage), not the time it was written.
  const offline = (await waitFor(async () => some((await stationEvents(t0)).filter((e) => e.code === down)), 15_000)) ?? [];
  expect(offline).toHaveLength(1);
  const at = new Date(offline[0].at).getTime();
  expect(at).toBeGreaterThanOrEqual(willAt - 50);
  expect(at).toBeLessThan(restored);
  expect(offline[0].reason).toMatch(/Will/);
  // Its cameras went down with it, attributed to it, at the same time.
  const camDown = (await cameraEvents(t0)).filter((e) => downCameras.includes(e.code));
  expect(camDown.map((e) => e.code).sort()).toEqual([...downCameras].sort());
  for (const e of camDown) expect(new Date(e.at).getTime()).toBe(at);

  // The camera faults: seen by the first checks after the outage (checks need a lease from the database).
  const faultsSeen = await waitFor(async () => {
    const ev = await cameraEvents(t0);
    return faulty.every((c) => ev.some((e) => e.code === c)) ? ev : null;
  }, 20_000);
  expect(faultsSeen).not.toBeNull();
  const alerts = await alertsSince(t0);
  expect(alerts.filter((a) => a.kind === 'station_down')).toEqual([expect.objectContaining({ subject: `station:${down}` })]);
  expect(new Date(alerts.find((a) => a.kind === 'station_down')!.opened_at).getTime()).toBe(at);
  expect(
    alerts
      .filter((a) => a.kind === 'offline')
      .map((a) => a.subject)
      .sort(),
  ).toEqual(faulty.map((c) => `camera:${c}`).sort());
  // No camera of the downed station has an alert of its own.
  expect(alerts.filter((a) => downCameras.some((c) => a.subject === `camera:${c}`))).toEqual([]);
}

/** Needs a Mosquitto of the file's own (not under CAMNET_TEST_MQTT=aedes, nor without the binary). */
const describeMosquitto = process.env.CAMNET_TEST_MQTT === 'aedes' || !mosquittoInstalled() ? describe.skip : describe;

describeMosquitto('the broker restarts', () => {
  it('stopped cleanly (SIGTERM, which publishes every Will) and started again: no station_down, no offline event', async () => {
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
    const registry = inst.app.get<Registry>(METRICS);
    const t0 = Date.now();
    await broker!.stop('SIGTERM');
    await sleep(1000);
    await broker!.start();
    // Stations and camnet reconnect; then a whole silence window passes.
    expect(await waitFor(async () => inst.app.get(ListeningWindow).since !== null, 15_000, 50)).toBe(true);
    await sleep(2 * SILENT_MS + 1000);
    expect(await stationEvents(t0)).toEqual([]);
    expect((await alertsSince(t0)).filter((a) => a.kind === 'station_down')).toEqual([]);
    expect(await cameraEvents(t0)).toEqual([]);
    const discarded = (await registry.getSingleMetric('camnet_mqtt_messages_dropped_total')!.get()).values.find(
      (v) => v.labels.reason === 'will_from_closing_broker',
    );
    // Mosquitto did publish the Wills as it went down (the case this guards against).
    expect(discarded?.value ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it('killed (SIGKILL, no Will): stations that come back stay up; one that does not goes offline by silence only after camnet has listened the whole limit', async () => {
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
    const lost = fleet.stations[1];
    const t0 = Date.now();
    await broker!.stop('SIGKILL');
    // The station dies while the broker is dead: no broker ever publishes its Will.
    await simFault(fleet, 'stations', lost.code, { kind: 'down' });
    await sleep(1000);
    await broker!.start();
    const window = inst.app.get(ListeningWindow);
    expect(await waitFor(async () => window.since !== null && window.since.getTime() > t0, 15_000, 50)).toBe(true);
    const listeningSince = window.since!.getTime();
    const offline = (await waitFor(async () => some((await stationEvents(t0)).filter((e) => e.code === lost.code)), 20_000)) ?? [];
    expect(offline).toHaveLength(1);
    expect(offline[0].reason).toMatch(/silent/);
    expect(new Date(offline[0].at).getTime() - listeningSince).toBeGreaterThanOrEqual(SILENT_MS);
    await sleep(1000);
    expect((await stationEvents(t0)).map((e) => e.code)).toEqual([lost.code]);
    expect((await alertsSince(t0)).filter((a) => a.kind === 'station_down').map((a) => a.subject)).toEqual([`station:${lost.code}`]);
    await simFault(fleet, 'stations', lost.code, null);
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
  }, 60_000);
});

describe('a real station drop', () => {
  it('(its TCP connection cut) takes the station offline within 3 s, with one alert', async () => {
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
    const s = fleet.stations[2];
    const t0 = Date.now();
    await simFault(fleet, 'stations', s.code, { kind: 'down' });
    const offline = (await waitFor(async () => some((await stationEvents(t0)).filter((e) => e.code === s.code)), 10_000, 50)) ?? [];
    expect(offline).toHaveLength(1);
    expect(new Date(offline[0].at).getTime() - t0).toBeLessThanOrEqual(3000);
    expect((await alertsSince(t0)).filter((a) => a.kind === 'station_down').map((a) => a.subject)).toEqual([`station:${s.code}`]);
    await simFault(fleet, 'stations', s.code, null);
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
  }, 40_000);
});

describe('bad input', () => {
  it('a heartbeat or Will of an unknown station, a future or earlier timestamp, a duplicate: dropped, counted, the history in order', async () => {
    const registry = inst.app.get<Registry>(METRICS);
    const dropped = async (reason: string) =>
      (await registry.getSingleMetric('camnet_mqtt_messages_dropped_total')!.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
    const before = Object.fromEntries(await Promise.all(['unknown_station', 'future_ts', 'stale_ts', 'duplicate'].map(async (r) => [r, await dropped(r)])));
    // A station of the inventory with no simulated agent: the test is its only voice.
    const quiet = fleet.stations[3].code;
    await simFault(fleet, 'stations', quiet, { kind: 'down' });
    const client = await mqtt.connectAsync(fleet.broker.url, { protocolVersion: 4, clientId: `camnet-bad-${process.pid}-${Date.now()}` });
    const hb = (ts: string) => JSON.stringify({ ts, uptime_s: 5, power: 'grid', cameras: [] });
    try {
      const now = Date.now();
      await client.publishAsync(`camnet/v1/stations/ST-NOBODY-1/heartbeat`, hb(new Date(now).toISOString()), { qos: 1 });
      await client.publishAsync(`camnet/v1/stations/ST-NOBODY-1/status`, '{"online":false}', { qos: 1 });
      await client.publishAsync(`camnet/v1/stations/${quiet}/heartbeat`, hb(new Date(now + 3_600_000).toISOString()), { qos: 1 });
      await client.publishAsync(`camnet/v1/stations/${quiet}/heartbeat`, hb(new Date(now).toISOString()), { qos: 1 });
      await client.publishAsync(`camnet/v1/stations/${quiet}/heartbeat`, hb(new Date(now).toISOString()), { qos: 1 });
      await client.publishAsync(`camnet/v1/stations/${quiet}/heartbeat`, hb(new Date(now - 60_000).toISOString()), { qos: 1 });
      expect(await waitFor(async () => (await dropped('stale_ts')) > before.stale_ts, 5000, 50)).toBe(true);
      expect((await dropped('unknown_station')) - before.unknown_station).toBe(2);
      expect((await dropped('future_ts')) - before.future_ts).toBe(1);
      expect((await dropped('duplicate')) - before.duplicate).toBe(1);
      expect((await dropped('stale_ts')) - before.stale_ts).toBe(1);
    } finally {
      await client.endAsync();
    }
    await simFault(fleet, 'stations', quiet, null);
    expect(await waitFor(everyStationOnline, 20_000, 200)).toBe(true);
    // Whatever happened in this file, no subject's history goes back in time.
    const reordered = await db.query(
      `SELECT subject, subject_id FROM (
         SELECT subject, subject_id, at, lag(at) OVER (PARTITION BY subject, subject_id ORDER BY id) AS prev FROM status_event) x
       WHERE at < prev`,
    );
    expect(reordered).toEqual([]);
    expect(inst.app.get(MqttListener)).toBeDefined();
  }, 60_000);
});
