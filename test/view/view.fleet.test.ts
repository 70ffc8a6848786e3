/**
 * Picture health end to end: the simulated fleet serves each camera's picture, camnet's
 * view loop (a 2-second interval here) fetches and analyses it; each picture fault set on
 * the simulator's control API must turn the camera `degraded` with the right view_*
 * reason within two view intervals, open one alert of that kind, and clear when the
 * fault goes; a reference reset clears a `moved`.
 */
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { AuthModule } from '../../src/auth/auth.module';
import { TokenService } from '../../src/auth/token.service';
import { systemClock } from '../../src/common/clock';
import { AlertActionEvent, EventBus } from '../../src/common/event-bus';
import { SecretBox } from '../../src/common/secret-box';
import { loadConfig } from '../../src/config/config';
import { CamnetRuntime, CoreModule } from '../../src/core.module';
import { applyHttpDefaults } from '../../src/http-defaults';
import { SCHEDULER_OPTIONS } from '../../src/monitoring/probe.scheduler';
import { VIEW_SCHEDULER_OPTIONS } from '../../src/view/view.scheduler';
import { ViewModule } from '../../src/view/view.module';
import { Fleet, openFleet, SECRET_KEY, simFault, waitFor } from '../monitoring/monitoring.harness';

const INTERVAL_S = 2;
jest.setTimeout(240_000);

describe('picture health through the simulated fleet', () => {
  let fleet: Fleet;
  let app: INestApplication;
  let admin: string;
  let technician: string;
  const alerts: AlertActionEvent[] = [];

  beforeAll(async () => {
    fleet = await openFleet({ stations: 4 });
    const config = loadConfig({
      DATABASE_URL: fleet.db.engine === 'postgres' ? fleet.db.url : undefined,
      MQTT_URL: fleet.broker.url,
      CAMNET_SECRET_KEY: SECRET_KEY,
      // Generous: the machine these tests run on may be shared, and a camera that times out goes offline, where view faults wait.
      CAMNET_POLL_INTERVAL_S: '5',
      CAMNET_PROBE_TIMEOUT_MS: '10000',
      CAMNET_VIEW_INTERVAL_S: String(INTERVAL_S),
      CAMNET_MONITORING: 'on',
      CAMNET_SIMULATOR: 'off',
    });
    const runtime: CamnetRuntime = {
      config,
      dataSource: fleet.db.dataSource,
      secretBox: new SecretBox(SECRET_KEY),
      clock: systemClock,
      mqttUrl: fleet.broker.url,
      instanceId: `view-${randomBytes(3).toString('hex')}`,
    };
    const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(runtime), AuthModule, ViewModule] })
      .overrideProvider(SCHEDULER_OPTIONS)
      .useValue({ tickMs: 100, sweepMs: 500 })
      .overrideProvider(VIEW_SCHEDULER_OPTIONS)
      .useValue({ tickMs: 100, autostart: true })
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    applyHttpDefaults(app as NestExpressApplication);
    app.get(EventBus).on('alert.action', (e) => alerts.push(e));
    await app.init();
    admin = (await app.get(TokenService).create('test admin', 'admin')).token;
    technician = (await app.get(TokenService).create('test technician', 'technician')).token;
  });

  afterAll(async () => {
    await app?.close();
    await fleet?.close();
  });

  const q = (sql: string, params: unknown[] = []) => fleet.db.dataSource.query(sql, params);
  const idOf = async (code: string): Promise<number> => (await q(`SELECT id FROM camera WHERE code = $1`, [code]))[0].id;
  const statusOf = async (code: string) =>
    (await q(`SELECT cs.status, cs.reason FROM camera_state cs JOIN camera c ON c.id = cs.camera_id WHERE c.code = $1`, [code]))[0];
  const viewOf = async (code: string) =>
    (await request(app.getHttpServer()).get(`/api/cameras/${code}/view`).set('Authorization', `Bearer ${technician}`)).body;
  const checksSince = async (code: string, at: Date): Promise<number> =>
    (await q(`SELECT count(*)::int AS n FROM camera_view_check WHERE camera_id = $1 AND at > $2`, [await idOf(code), at]))[0].n;

  const viewStateOf = async (code: string) =>
    (await q(`SELECT cv.state, cv.since FROM camera_view cv JOIN camera c ON c.id = cv.camera_id WHERE c.code = $1`, [code]))[0];
  // The fixed camera the turn test uses comes first; the others take the picture faults.
  const stationCameras = () => {
    const all = fleet.cameras.filter((c) => c.ownership === 'station');
    const fixed = all.find((c) => !c.ptz)!;
    return [fixed, ...all.filter((c) => c !== fixed)];
  };

  test('every station camera gets a reference and an ok view, and comes online', async () => {
    const codes = stationCameras().map((c) => c.code);
    const ready = await waitFor(async () => {
      const rows = await q(`SELECT count(*)::int AS n FROM camera_view cv JOIN camera c ON c.id = cv.camera_id WHERE c.code = ANY($1) AND cv.state = 'ok'`, [
        codes,
      ]);
      return rows[0].n === codes.length;
    }, 90_000);
    expect(ready).toBe(true);
    const v = await viewOf(codes[0]);
    expect(v).toMatchObject({ state: 'ok', code: codes[0] });
    expect(v.reference_at).not.toBeNull();
    expect(v.metrics).toEqual(expect.objectContaining({ mean: expect.any(Number), sharpness: expect.any(Number), slot: expect.stringMatching(/day|night/) }));
    const jpg = await request(app.getHttpServer()).get(`/api/cameras/${codes[0]}/view/current.jpg`).set('Authorization', `Bearer ${technician}`);
    expect(jpg.status).toBe(200);
    expect(jpg.headers['content-type']).toBe('image/jpeg');
    expect(jpg.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const ref = await request(app.getHttpServer()).get(`/api/cameras/${codes[0]}/view/reference.jpg`).set('Authorization', `Bearer ${technician}`);
    expect(ref.status).toBe(200);
  });

  const faults: Array<[string, Record<string, unknown>, string]> = [
    ['cover', { kind: 'cover', share: 0.5 }, 'view_blocked'],
    ['blur', { kind: 'blur', sigma: 6 }, 'view_blurred'],
    ['dark', { kind: 'dark' }, 'view_dark'],
    ['freeze', { kind: 'freeze' }, 'view_frozen'],
    ['shift', { kind: 'shift', degrees: 15 }, 'view_moved'],
  ];

  test.each(faults.map(([name, body, reason], i) => [`${name} → degraded / ${reason}`, body, reason, i] as const))(
    '%s within two view intervals, one alert, cleared when it goes',
    async (_name, body, reason, i) => {
      const code = stationCameras()[i + 1].code;
      const setAt = new Date();
      await simFault(fleet, 'devices', code, body);
      try {
        const fault = reason.replace('view_', '');
        expect(await waitFor(async () => (await viewStateOf(code)).state === fault, 90_000)).toBe(true);
        // Two snapshots after the fault confirm it (two view intervals); a third may have been in flight when it was set.
        const { since } = await viewStateOf(code);
        const confirmedAfter = (
          await q(`SELECT count(*)::int AS n FROM camera_view_check WHERE camera_id = $1 AND at > $2 AND at <= $3`, [await idOf(code), setAt, since])
        )[0].n;
        expect(confirmedAfter).toBeLessThanOrEqual(3);
        const degraded = await waitFor(async () => (await statusOf(code)).reason === reason, 90_000);
        expect({ degraded, ...(await statusOf(code)) }).toEqual({ degraded: true, status: 'degraded', reason });
      } catch (e) {
        await simFault(fleet, 'devices', code, null);
        throw e;
      }
      // The alert is opened after the status commits: the status can be read a moment before it is heard.
      const alertsOf = (action: string) => alerts.filter((a) => a.subject === `camera:${code}` && a.kind === reason && a.action === action);
      await waitFor(async () => alertsOf('open').length > 0, 30_000);
      expect(alertsOf('open')).toHaveLength(1);
      const history = await q(`SELECT status, reason FROM status_event WHERE subject = 'camera' AND subject_id = $1 ORDER BY id DESC LIMIT 1`, [
        await idOf(code),
      ]);
      expect(history[0]).toEqual({ status: 'degraded', reason });

      await simFault(fleet, 'devices', code, null);
      const back = await waitFor(async () => (await statusOf(code)).status === 'online', 90_000);
      expect(back).toBe(true);
      await waitFor(async () => alertsOf('resolve').length > 0, 30_000);
      expect(alertsOf('resolve')).toHaveLength(1);
    },
  );

  test('a fixed camera turned away shows it in its picture: moved; a reference reset by a technician clears it', async () => {
    const cam = stationCameras()[0];
    await simFault(fleet, 'devices', cam.code, { kind: 'turn', heading_deg: (cam.headingDeg + 40) % 360 });
    // (a fixed camera's ONVIF answers may also give the turn away; the picture must say moved)
    expect(await waitFor(async () => /(^|,)view_moved$/.test((await statusOf(cam.code)).reason ?? ''), 90_000)).toBe(true);
    const v = await viewOf(cam.code);
    expect(v.state).toBe('moved');
    // The new aim is meant: the technician makes it the reference.
    const res = await request(app.getHttpServer()).post(`/api/cameras/${cam.code}/view/reference`).set('Authorization', `Bearer ${technician}`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('ok');
    expect(res.body.references).toEqual([expect.objectContaining({ set_by: 'test technician' })]);
    expect((await statusOf(cam.code)).reason ?? '').not.toMatch(/view_moved/);
    const audit = await q(`SELECT action, target FROM audit_log WHERE action = 'camera.view.reference.set'`);
    expect(audit.length).toBe(1);
    // and it stays ok on the next snapshots
    const at = new Date();
    await waitFor(async () => (await checksSince(cam.code, at)) >= 2, 30_000);
    expect((await viewOf(cam.code)).state).toBe('ok');
    await simFault(fleet, 'devices', cam.code, null);
  });

  test('a camera without snapshots says no_snapshot and is not alarmed', async () => {
    const code = stationCameras()[6].code;
    const before = alerts.length;
    await simFault(fleet, 'devices', code, { kind: 'no_snapshot' });
    expect(await waitFor(async () => (await viewOf(code)).state === 'no_snapshot', 60_000)).toBe(true);
    expect((await statusOf(code)).reason ?? '').not.toMatch(/view_/);
    expect(alerts.slice(before).filter((a) => a.subject === `camera:${code}` && a.kind.startsWith('view_'))).toHaveLength(0);
    await simFault(fleet, 'devices', code, null);
  });

  test('POST /view/check runs one now; roles: police and planners may not; private cameras are never fetched', async () => {
    const code = stationCameras()[1].code;
    const res = await request(app.getHttpServer()).post(`/api/cameras/${code}/view/check`).set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('ok');
    const police = (await app.get(TokenService).create('test police', 'police')).token;
    const planner = (await app.get(TokenService).create('test planner', 'planner')).token;
    expect((await request(app.getHttpServer()).post(`/api/cameras/${code}/view/check`).set('Authorization', `Bearer ${police}`)).status).toBe(403);
    expect((await request(app.getHttpServer()).get(`/api/cameras/${code}/view`).set('Authorization', `Bearer ${planner}`)).status).toBe(403);
    const [priv] = await q(`SELECT code FROM camera WHERE ownership <> 'station' LIMIT 1`);
    if (priv) {
      const r = await request(app.getHttpServer()).post(`/api/cameras/${priv.code}/view/check`).set('Authorization', `Bearer ${admin}`);
      expect(r.status).toBe(403);
      expect(r.body.message).toMatch(/never fetches/);
    }
    expect((await request(app.getHttpServer()).get(`/api/cameras/NO-SUCH/view`).set('Authorization', `Bearer ${admin}`)).status).toBe(404);
  });
});
