/**
 * End to end on a slice of the simulated fleet: real PostgreSQL (or PGlite), the
 * broker, the simulator's ONVIF devices and station agents, one camnet instance
 * polling every 2 s. Each camera fault must give its status and alert within two
 * intervals; a station's Will takes it and its cameras down at once with one alert.
 */
import { Logger } from '@nestjs/common';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import request from 'supertest';
import { METRICS } from '../../src/health/metrics';
import { ListeningWindow } from '../../src/monitoring/listening-window';
import { MaintenanceService } from '../../src/monitoring/maintenance.service';
import { StationWatch } from '../../src/monitoring/station-watch.service';
import type { SeedCamera } from '../../src/seed/seed.types';
import { CheckRecord, Fleet, Instance, openFleet, recordingProbe, simFault, startInstance, waitFor } from './monitoring.harness';

const INTERVAL_MS = 2000;
/**
 * How long a wait may take before it counts as a failure. Status changes are asserted
 * in checks (two agreeing checks, one interval apart), not in wall-clock time: a busy
 * machine may stretch the seconds but never the count.
 */
const SETTLE_MS = 20_000;

let fleet: Fleet;
let inst: Instance;
const checks: CheckRecord[] = [];
let faultCams: SeedCamera[];
let willStation: string;
let willCams: SeedCamera[];
const ids = new Map<string, number>();

const row = async (code: string) =>
  (await fleet.db.dataSource.query(`SELECT cs.* FROM camera_state cs JOIN camera c ON c.id = cs.camera_id WHERE c.code = $1`, [code]))[0];
const statusOf = async (code: string) => (await row(code)).status as string;
const stationStatus = async (code: string) =>
  (await fleet.db.dataSource.query(`SELECT ss.status FROM station_state ss JOIN station s ON s.id = ss.station_id WHERE s.code = $1`, [code]))[0].status;
const opened = (subject: string) => inst.alerts.filter((a) => a.subject === subject && a.action === 'open').map((a) => a.kind);
const resolved = (subject: string) => inst.alerts.filter((a) => a.subject === subject && a.action === 'resolve').map((a) => a.kind);
const allOnline = async (codes: string[]) => (await Promise.all(codes.map(statusOf))).every((s) => s === 'online');

beforeAll(async () => {
  fleet = await openFleet({ stations: 5 });
  inst = await startInstance(fleet, { http: true, probe: recordingProbe('camnet', checks) });
  for (const r of await fleet.db.dataSource.query(`SELECT id, code FROM camera`)) ids.set(r.code, r.id);
  const [s1, s2, s3, s4, s5] = fleet.stations.map((s) => s.code);
  faultCams = fleet.cameras.filter((c) => [s1, s2, s3, s4].includes(c.stationCode!));
  willStation = s5;
  willCams = fleet.cameras.filter((c) => c.stationCode === s5);
  // Unknown → online takes two agreeing checks.
  const ok = await waitFor(() => allOnline(fleet.cameras.map((c) => c.code)), SETTLE_MS);
  expect(ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await inst?.close();
  await fleet?.close();
});

describe('camera faults', () => {
  it('each fault kind gives its status and alert within two intervals, and recovery resolves it', async () => {
    const ptz = faultCams.filter((c) => c.ptz);
    const fixed = faultCams.filter((c) => !c.ptz);
    const pick = (list: SeedCamera[]) => {
      const c = list.shift() ?? fixed.shift() ?? ptz.shift();
      if (!c) throw new Error('not enough cameras in the slice');
      return c;
    };
    const turnPtz = pick(ptz);
    const cases: { cam: SeedCamera; fault: Record<string, unknown>; status: string; reason: string; alert: string | null }[] = [
      { cam: turnPtz, fault: { kind: 'turn', pan: 0.5 }, status: 'degraded', reason: 'turned', alert: 'turned' },
      { cam: pick(fixed), fault: { kind: 'offline' }, status: 'offline', reason: 'unreachable', alert: 'offline' },
      { cam: pick(fixed), fault: { kind: 'timeout' }, status: 'offline', reason: 'unreachable', alert: 'offline' },
      { cam: pick(fixed), fault: { kind: 'auth' }, status: 'degraded', reason: 'auth_failed', alert: 'auth_failed' },
      { cam: pick(ptz), fault: { kind: 'auth' }, status: 'degraded', reason: 'auth_failed', alert: 'auth_failed' },
      { cam: pick(fixed), fault: { kind: 'clock_skew', offset_s: 600 }, status: 'degraded', reason: 'clock_drift', alert: 'clock_drift' },
      { cam: pick(fixed), fault: { kind: 'malformed' }, status: 'degraded', reason: 'bad_reply', alert: null },
      { cam: pick(fixed), fault: { kind: 'turn', heading_deg: 0 }, status: 'degraded', reason: 'turned', alert: 'turned' },
    ];
    const flapCam = pick(fixed);
    // The fixed camera's turn is reported by its station over MQTT; pick a target far from its registered heading.
    const fixedTurn = cases[cases.length - 1];
    fixedTurn.fault = { kind: 'turn', heading_deg: (fixedTurn.cam.headingDeg + 90) % 360 };

    const setAt = Date.now();
    await Promise.all([...cases.map((c) => simFault(fleet, 'devices', c.cam.code, c.fault)), simFault(fleet, 'devices', flapCam.code, { kind: 'flap' })]);
    // Every check begun from here on meets the fault.
    const allSetAt = Date.now();
    try {
      await waitFor(async () => {
        const rows = await Promise.all(cases.map((c) => row(c.cam.code)));
        return rows.every((r, i) => r.status === cases[i].status && r.reason === cases[i].reason);
      }, SETTLE_MS);
      for (const c of cases) {
        const r = await row(c.cam.code);
        expect({ code: c.cam.code, fault: c.fault.kind, status: r.status, reason: r.reason }).toEqual({
          code: c.cam.code,
          fault: c.fault.kind,
          status: c.status,
          reason: c.reason,
        });
      }
      // Within two intervals: the status changed at the first or second check begun after the
      // fault (the first may have begun before it was set), and checks come one interval apart
      // (scaling.test.ts). The fixed camera's turn arrives over MQTT, not from a check.
      for (const c of cases.filter((x) => x !== fixedTurn)) {
        const since = new Date((await row(c.cam.code)).since).getTime();
        const url = fleet.cameras.find((x) => x.code === c.cam.code)!.onvifUrl;
        const before = checks.filter((k) => k.url === url && k.at >= allSetAt && k.ended !== null && k.ended <= since).length;
        expect({ code: c.cam.code, fault: c.fault.kind, checksToChange: before <= 2 }).toEqual({ code: c.cam.code, fault: c.fault.kind, checksToChange: true });
      }
      for (const c of cases) {
        expect(opened(`camera:${c.cam.code}`)).toEqual(c.alert === null ? [] : [c.alert]);
      }

      // The errors are classified in last_error.
      expect((await row(cases[1].cam.code)).last_error.kind).toBe('refused');
      expect((await row(cases[2].cam.code)).last_error.kind).toBe('timeout');
      expect((await row(cases[3].cam.code)).last_error.kind).toBe('auth');
      expect((await row(cases[6].cam.code)).last_error.kind).toBe('malformed');
      expect(Math.abs((await row(cases[5].cam.code)).clock_offset_s - 600)).toBeLessThan(3);

      // The PTZ turn: heading from pan, one orientation event, heading.changed announced.
      const turned = await row(turnPtz.code);
      expect(turned.heading_deg).toBeCloseTo((turnPtz.headingDeg + 90) % 360, 1);
      const orient = await fleet.db.dataSource.query(`SELECT heading_deg, source FROM orientation_event WHERE camera_id = $1`, [ids.get(turnPtz.code)]);
      expect(orient).toHaveLength(1);

      // A flapping camera never changes status.
      const flapEvents = await fleet.db.dataSource.query(
        `SELECT count(*)::int AS n FROM status_event WHERE subject = 'camera' AND subject_id = $1 AND at > $2`,
        [ids.get(flapCam.code), new Date(setAt)],
      );
      expect(flapEvents[0].n).toBe(0);
      expect(await statusOf(flapCam.code)).toBe('online');
    } finally {
      // Recovery: clear everything, also after a failure above, so that the tests below start clean.
      await Promise.all([...cases, { cam: flapCam }].map((c) => simFault(fleet, 'devices', c.cam.code, null)));
    }
    const back = await waitFor(() => allOnline(cases.map((c) => c.cam.code)), SETTLE_MS);
    expect(back).toBe(true);
    for (const c of cases) {
      if (c.alert) expect(resolved(`camera:${c.cam.code}`)).toContain(c.alert);
    }
    // status_event holds transitions only: online → fault → online, nothing per sample.
    const [{ n }] = await fleet.db.dataSource.query(`SELECT count(*)::int AS n FROM status_event WHERE subject = 'camera' AND subject_id = $1 AND at > $2`, [
      ids.get(cases[1].cam.code),
      new Date(setAt),
    ]);
    expect(n).toBe(2);
  }, 90_000);
});

describe('a station going down (MQTT Will)', () => {
  it('takes the station and its cameras offline within seconds with one station_down alert, then recovers', async () => {
    const codes = willCams.map((c) => c.code);
    const before = inst.alerts.length;
    const downAt = Date.now();
    await simFault(fleet, 'stations', willStation, { kind: 'down' });
    const down = await waitFor(
      async () => (await stationStatus(willStation)) === 'offline' && (await Promise.all(codes.map(statusOf))).every((s) => s === 'offline'),
      5000,
      50,
    );
    expect(down).toBe(true);
    expect(Date.now() - downAt).toBeLessThan(3000);
    for (const c of codes) expect((await row(c)).reason).toBe('station_down');
    // Let the poller see the dark cameras for two more intervals: still no per-camera alert.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
    const during = inst.alerts.slice(before);
    expect(during.filter((a) => a.action === 'open')).toEqual([expect.objectContaining({ kind: 'station_down', subject: `station:${willStation}` })]);
    const changes = inst.changes.filter((e) => e.subject === 'camera' && codes.includes(e.code) && e.status === 'offline');
    expect(changes.map((e) => e.attributedTo)).toEqual(codes.map(() => willStation));

    await simFault(fleet, 'stations', willStation, null);
    const up = await waitFor(async () => (await stationStatus(willStation)) === 'online' && (await allOnline(codes)), SETTLE_MS);
    expect(up).toBe(true);
    expect(resolved(`station:${willStation}`)).toEqual(['station_down']);
    expect(inst.alerts.slice(before).filter((a) => a.action === 'open')).toHaveLength(1);
  }, 45_000);
});

describe('silent stations', () => {
  const lastHeardTenMinutesAgo = (station: string) =>
    fleet.db.dataSource.query(
      `UPDATE station_state SET last_seen_at = now() - interval '10 minutes' WHERE station_id = (SELECT id FROM station WHERE code = $1)`,
      [station],
    );

  it('judges no station silent for a time camnet was not listening (a restart, a broker outage)', async () => {
    const station = fleet.stations[0].code;
    // As if camnet had been down for ten minutes and just reconnected to the broker.
    inst.app.get(ListeningWindow).connected(new Date());
    await lastHeardTenMinutesAgo(station);
    expect(await inst.app.get(StationWatch).sweep()).toEqual([]);
    expect(await stationStatus(station)).toBe('online');
    inst.app.get(ListeningWindow).lost();
    expect(await inst.app.get(StationWatch).sweep()).toEqual([]);
    inst.app.get(ListeningWindow).connected(new Date());
  });

  it('takes a station that stopped talking without a Will offline, and its next heartbeat brings it back', async () => {
    const station = fleet.stations[0].code;
    const before = inst.alerts.length;
    // As if camnet had listened for ten minutes, and the station's last message came
    // ten minutes ago while its Will never reached the broker.
    inst.app.get(ListeningWindow).connected(new Date(Date.now() - 10 * 60_000));
    await lastHeardTenMinutesAgo(station);
    const silent = await inst.app.get(StationWatch).sweep();
    expect(silent).toHaveLength(1);
    expect(await stationStatus(station)).toBe('offline');
    const [event] = await fleet.db.dataSource.query(
      `SELECT reason, source FROM status_event WHERE subject = 'station' AND subject_id = $1 ORDER BY id DESC LIMIT 1`,
      silent,
    );
    expect(event).toEqual({ reason: 'station silent: no heartbeat for 90 s', source: 'system' });
    expect(inst.alerts.slice(before).filter((a) => a.action === 'open')).toEqual([
      expect.objectContaining({ kind: 'station_down', subject: `station:${station}` }),
    ]);
    expect(await inst.app.get(StationWatch).sweep()).toEqual([]);
    const back = await waitFor(async () => (await stationStatus(station)) === 'online', 20_000, 200);
    expect(back).toBe(true);
    // The tests below read this station's cameras: let them settle (a camera taken down with its
    // station needs two agreeing checks once it is back, and may not have had them yet).
    await waitFor(() => allOnline(fleet.cameras.filter((c) => c.stationCode === station).map((c) => c.code)), SETTLE_MS);
  }, 60_000);

  it('brings a station out of a closed maintenance window only once it is heard or camnet has listened a whole window', async () => {
    // A station with no simulated agent, in maintenance, last heard ten minutes ago; no window covers it any more.
    const code = `ST-MAINT-${process.pid}`;
    const [{ id }] = await fleet.db.dataSource.query(
      `INSERT INTO station (code, name, commune_code, lat, lon) SELECT $1, 'maintained', commune_code, lat, lon FROM station LIMIT 1 RETURNING id`,
      [code],
    );
    await fleet.db.dataSource.query(
      `INSERT INTO station_state (station_id, status, since, last_seen_at) VALUES ($1, 'maintenance', now(), now() - interval '10 minutes')`,
      [id],
    );
    const maintenance = inst.app.get(MaintenanceService);
    // Just restarted: not heard, but camnet was not listening either.
    inst.app.get(ListeningWindow).connected(new Date());
    await maintenance.sweep();
    expect(await stationStatus(code)).toBe('maintenance');
    // Listened ten minutes and still nothing: offline.
    inst.app.get(ListeningWindow).connected(new Date(Date.now() - 10 * 60_000));
    await maintenance.sweep();
    expect(await stationStatus(code)).toBe('offline');
  });
});

describe('HTTP', () => {
  let tech: string;
  let planner: string;
  beforeAll(async () => {
    tech = await inst.token('technician');
    planner = await inst.token('planner');
  });
  const http = () => request(inst.app.getHttpServer());

  it('GET /api/cameras/{code}/status answers the documented shape', async () => {
    const ptz = fleet.cameras.find((c) => c.ptz)!;
    const res = await http().get(`/api/cameras/${ptz.code}/status`).set('Authorization', `Bearer ${planner}`).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['code', 'status', 'since', 'reason', 'last_check_at', 'last_ok_at', 'last_error', 'clock_offset_s', 'heading_deg', 'ptz', 'device'].sort(),
    );
    expect(res.body).toMatchObject({ code: ptz.code, status: 'online', last_error: null, reason: null, ptz: { pan: expect.any(Number) } });
    expect(Object.keys(res.body.device).sort()).toEqual(['firmware', 'hardware_id', 'manufacturer', 'model', 'serial']);
    expect(typeof res.body.device.firmware).toBe('string');
    await http().get(`/api/cameras/NO-SUCH/status`).set('Authorization', `Bearer ${planner}`).expect(404);
  });

  it('POST /api/cameras/{code}/check runs a check now, for technicians only, and is audited', async () => {
    const cam = fleet.cameras[0];
    const before = (await row(cam.code)).last_check_at as Date;
    const res = await http().post(`/api/cameras/${cam.code}/check`).set('Authorization', `Bearer ${tech}`).expect(200);
    expect(new Date(res.body.last_check_at).getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(res.body.code).toBe(cam.code);
    await http().post(`/api/cameras/${cam.code}/check`).set('Authorization', `Bearer ${planner}`).expect(403);
    const audit = await fleet.db.dataSource.query(`SELECT action, target, role, outcome FROM audit_log WHERE action = 'camera.check' ORDER BY id`);
    // The planner's attempt is recorded too, as refused.
    expect(audit).toEqual([
      { action: 'camera.check', target: cam.code, role: 'technician', outcome: 'ok' },
      { action: 'camera.check', target: cam.code, role: 'planner', outcome: 'refused' },
    ]);
  });

  it('GET /api/cameras/{code}/history lists status transitions', async () => {
    const cam = fleet.cameras[0];
    const res = await http().get(`/api/cameras/${cam.code}/history`).set('Authorization', `Bearer ${planner}`).expect(200);
    expect(res.body.status[0]).toMatchObject({ status: 'online', source: 'onvif' });
    await http().get(`/api/cameras/${cam.code}/history?from=yesterday`).set('Authorization', `Bearer ${planner}`).expect(400);
  });

  it('maintenance windows are validated and put the camera in maintenance while they last', async () => {
    const cam = willCams[0];
    const now = Date.now();
    const post = (body: object, token = tech) => http().post('/api/maintenance-windows').set('Authorization', `Bearer ${token}`).send(body);
    await post({ scope: 'camera', scope_id: cam.code, starts_at: new Date(now).toISOString(), ends_at: new Date(now - 1000).toISOString() }).expect(400);
    await post({ scope: 'camera', scope_id: 'NO-SUCH-CAMERA', starts_at: new Date(now).toISOString(), ends_at: new Date(now + 1000).toISOString() }).expect(
      400,
    );
    await post({ scope: 'planet', scope_id: cam.code, starts_at: new Date(now).toISOString(), ends_at: new Date(now + 1000).toISOString() }).expect(400);
    await post({ scope: 'camera', scope_id: cam.code, starts_at: new Date(now).toISOString(), ends_at: new Date(now + 1000).toISOString() }, planner).expect(
      403,
    );
    const alertsBefore = inst.alerts.length;
    const created = await post({
      scope: 'camera',
      scope_id: cam.code,
      starts_at: new Date(now - 1000).toISOString(),
      ends_at: new Date(now + 3000).toISOString(),
      reason: 'replacing the lens',
    }).expect(201);
    expect(created.body).toMatchObject({ scope: 'camera', scope_id: cam.code, active: true });
    expect(await waitFor(async () => (await statusOf(cam.code)) === 'maintenance', 5000)).toBe(true);
    const list = await http().get('/api/maintenance-windows?active=true').set('Authorization', `Bearer ${planner}`).expect(200);
    expect(list.body.map((w: { id: number }) => w.id)).toContain(created.body.id);
    // After the window, two agreeing checks bring it back.
    expect(await waitFor(async () => (await statusOf(cam.code)) === 'online', SETTLE_MS)).toBe(true);
    expect(inst.alerts.slice(alertsBefore).filter((a) => a.action === 'open')).toEqual([]);
  }, 45_000);
});

describe('bad MQTT payloads', () => {
  it('are dropped, counted by reason, logged once per reason, never fatal', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const registry = inst.app.get<Registry>(METRICS);
    const dropped = async (reason: string) =>
      (await registry.getSingleMetric('camnet_mqtt_messages_dropped_total')!.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
    const station = fleet.stations[0].code;
    // A station with no simulated agent, added after the listener loaded the inventory:
    // the unknown-station drop below makes the listener reload it.
    const quiet = `ST-QUIET-${process.pid}`;
    await fleet.db.dataSource.query(
      `INSERT INTO station (code, name, commune_code, lat, lon) SELECT $1, 'quiet', commune_code, lat, lon FROM station LIMIT 1`,
      [quiet],
    );
    const client = await mqtt.connectAsync(fleet.broker.url, { protocolVersion: 4, clientId: `camnet-test-${process.pid}-${Date.now()}` });
    const base = `camnet/v1/stations/${station}`;
    const good = { ts: new Date().toISOString(), uptime_s: 5, power: 'battery', temp_c: 41.5, cameras: [] };
    try {
      for (let i = 0; i < 3; i++) await client.publishAsync(`${base}/heartbeat`, 'not json {', { qos: 1 });
      await client.publishAsync(`${base}/heartbeat`, JSON.stringify({ ...good, pad: 'x'.repeat(17 * 1024) }), { qos: 1 });
      await client.publishAsync(`${base}/status`, JSON.stringify({ online: 'yes' }), { qos: 1 });
      await client.publishAsync(`${base}/heartbeat`, JSON.stringify({ ...good, power: 'solar' }), { qos: 1 });
      await client.publishAsync(`${base}/heartbeat`, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { qos: 1 });
      await client.publishAsync(`camnet/v1/stations/ST-UNKNOWN-9/heartbeat`, JSON.stringify(good), { qos: 1 });
      await client.publishAsync(`${base}/orientation`, JSON.stringify({ ts: good.ts, camera: 'NOT-ITS-CAMERA', heading_deg: 10 }), { qos: 1 });
      expect(await waitFor(async () => (await dropped('unknown_camera')) >= 1, 3000)).toBe(true);
      expect(await dropped('not_json')).toBe(3);
      // An MQTT 5 broker never sends camnet a packet over its maximumPacketSize; aedes (3.1.1) does, and camnet drops it.
      expect(await dropped('too_large')).toBe(fleet.broker.kind === 'mosquitto' ? 0 : 1);
      expect(await dropped('schema')).toBe(2);
      expect(await dropped('not_utf8')).toBe(1);
      expect(await dropped('unknown_station')).toBe(1);
      const notJsonLogs = warn.mock.calls.filter((c) => String(c[0]).includes('(not_json)'));
      expect(notJsonLogs).toHaveLength(1);

      // Still listening: a valid heartbeat is taken.
      await new Promise((r) => setTimeout(r, 300));
      await client.publishAsync(`camnet/v1/stations/${quiet}/heartbeat`, JSON.stringify(good), { qos: 1 });
      const taken = await waitFor(
        async () => {
          const [r] = await fleet.db.dataSource.query(
            `SELECT ss.status, ss.power FROM station_state ss JOIN station s ON s.id = ss.station_id WHERE s.code = $1`,
            [quiet],
          );
          return r?.status === 'online' && r?.power === 'battery';
        },
        3000,
        50,
      );
      expect(taken).toBe(true);
    } finally {
      warn.mockRestore();
      await client.endAsync();
    }
  });
});
