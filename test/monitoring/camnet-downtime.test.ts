/**
 * camnet's own downtime is unknown, not the cameras' last status: camnet is
 * started, stopped for two hours and started again on one database (PostgreSQL,
 * or PGlite under CAMNET_TEST_DB=pglite), each run recording its watch through
 * the real WatchSession; then uptime, the incident search and the camera history
 * are asked about the gap over HTTP and through the services. A crashed replica
 * (its row left unended) and a replica with monitoring off are covered too, and
 * history from before any session (an upgraded camnet) reads as it did.
 */
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '../../src/auth/auth.module';
import { TokenService } from '../../src/auth/token.service';
import { ManualClock } from '../../src/common/clock';
import { generateSecretKey, SecretBox } from '../../src/common/secret-box';
import { loadConfig } from '../../src/config/config';
import { CoreModule } from '../../src/core.module';
import { applyHttpDefaults } from '../../src/http-defaults';
import { CameraStateRepository, StatusEventRow } from '../../src/monitoring/camera-state.repository';
import { MonitoringQueryService } from '../../src/monitoring/monitoring-query.service';
import { StatusHistoryModule } from '../../src/monitoring/status-history.module';
import { WatchSession } from '../../src/monitoring/watch-session.service';
import { CRASHED_AFTER_MS } from '../../src/monitoring/watched-time';
import { SearchModule } from '../../src/search/search.module';
import { UptimeModule } from '../../src/uptime/uptime.module';
import { insertCameras } from '../coverage/test-app';
import { openTestDatabase, TestDatabase } from '../support/database';

const H = 3_600_000;
const MIN = 60_000;
/** 20:00 in Long An (UTC+7) on 2025-03-01. */
const T0 = Date.parse('2025-03-01T13:00:00Z');
const P = { lat: 10.6, lon: 106.5 };

let db: TestDatabase;
const clock = new ManualClock(T0);
let camId: number;

/** One camnet replica on the shared database: search, uptime, history and the watch record. */
async function startReplica(monitoring: boolean): Promise<{ app: INestApplication; url: string; token: string; history: MonitoringQueryService }> {
  const core = CoreModule.forRoot({
    config: loadConfig({ CAMNET_MONITORING: monitoring ? 'on' : 'off' }),
    dataSource: db.dataSource,
    secretBox: new SecretBox(generateSecretKey()),
    clock,
    mqttUrl: '',
    instanceId: `replica-${clock.now().toISOString()}`,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [core, AuthModule, StatusHistoryModule, SearchModule, UptimeModule],
    providers: [WatchSession, MonitoringQueryService],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
  applyHttpDefaults(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const token = (await app.get(TokenService).create(`police ${clock.now().toISOString()}`, 'admin')).token;
  return { app, url: `http://127.0.0.1:${port}`, token, history: app.get(MonitoringQueryService) };
}

async function record(at: number, status: StatusEventRow['status'], reason: string | null = null): Promise<void> {
  const writer = new CameraStateRepository(db.dataSource);
  await writer.transaction((m) =>
    writer.insertStatusEvents(m, [{ subject: 'camera', id: camId, at: new Date(at), status, source: 'onvif', reason } as StatusEventRow]),
  );
}

const search = (r: { url: string; token: string }, at: number) =>
  request(r.url)
    .get('/api/search/near')
    .query({ lat: P.lat, lon: P.lon, radius_m: 200, at: new Date(at).toISOString(), case_ref: 'VV-GAP' })
    .set('Authorization', `Bearer ${r.token}`)
    .expect(200);
const uptime = (r: { url: string; token: string }, from: number, to: number) =>
  request(r.url)
    .get('/api/uptime')
    .query({ scope: 'camera', code: 'GAP-1', from: new Date(from).toISOString(), to: new Date(to).toISOString() })
    .set('Authorization', `Bearer ${r.token}`)
    .expect(200);

beforeAll(async () => {
  db = await openTestDatabase();
  // A camera that sees P, online since the day before: history from before camnet kept its watch record.
  camId = (await insertCameras(db, [{ code: 'GAP-1', lat: P.lat - 0.0005, lon: P.lon, heading_deg: 0, fov_deg: 90, range_m: 150 }])).get('GAP-1')!;
  await record(T0 - 24 * H, 'online');
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('a restart with camnet stopped in between', () => {
  let second: Awaited<ReturnType<typeof startReplica>>;

  beforeAll(async () => {
    // 20:00 camnet starts; 21:00 it is stopped (a clean stop); 23:00 it starts again.
    const first = await startReplica(true);
    clock.set(T0 + H);
    await first.app.close();
    clock.set(T0 + 3 * H);
    second = await startReplica(true);
    clock.set(T0 + 4 * H);
  }, 120_000);
  afterAll(() => second?.app.close());

  it('records one session per run: the first ended at the stop, the second running', async () => {
    const rows: { started_at: Date; ended_at: Date | null }[] = await db.dataSource.query(`SELECT started_at, ended_at FROM monitor_session ORDER BY id`);
    expect(rows).toEqual([
      { started_at: new Date(T0), ended_at: new Date(T0 + H) },
      { started_at: new Date(T0 + 3 * H), ended_at: null },
    ]);
  });

  it('answers the incident search in the gap with recorded null, saying camnet was not watching; around it as before', async () => {
    const inGap = (await search(second, T0 + H + 40 * MIN)).body; // 21:40 Long An time
    expect(inGap.not_watching).toEqual({ from: new Date(T0 + H).toISOString(), to: new Date(T0 + 3 * H).toISOString() });
    expect(inGap.cameras).toEqual([
      expect.objectContaining({ code: 'GAP-1', sees_point: true, recorded: null, status_at: 'unknown', unknown_reason: 'camnet_not_watching' }),
    ]);
    expect(inGap.counts).toMatchObject({ recorded: 0, unknown: 1 });
    for (const at of [T0 + 30 * MIN, T0 + 3 * H + MIN, T0 - 2 * H]) {
      const body = (await search(second, at)).body;
      expect(body.not_watching).toBeNull();
      expect(body.cameras).toEqual([expect.objectContaining({ code: 'GAP-1', recorded: true, status_at: 'online', unknown_reason: null })]);
    }
  });

  it('counts the gap in uptime as unknown, neither up nor down, and the uptime over the watched time', async () => {
    const body = (await uptime(second, T0, T0 + 4 * H)).body;
    expect(body).toMatchObject({ online_s: 2 * 3600, offline_s: 0, unknown_s: 2 * 3600, not_watching_s: 2 * 3600, uptime_pct: 100 });
    expect(body.not_watching).toEqual([{ from: new Date(T0 + H).toISOString(), to: new Date(T0 + 3 * H).toISOString() }]);
    // Before the first session: history read as it was.
    expect((await uptime(second, T0 - 10 * H, T0)).body).toMatchObject({ online_s: 10 * 3600, unknown_s: 0, not_watching_s: 0 });
  });

  it('shows the gap in the camera history', async () => {
    const h = await second.history.history('GAP-1', new Date(T0).toISOString(), new Date(T0 + 4 * H).toISOString());
    expect(h.status_at_from).toBe('online');
    expect(h.status).toEqual([
      { at: new Date(T0 + H).toISOString(), status: 'unknown', source: 'system', reason: 'camnet_not_watching' },
      { at: new Date(T0 + 3 * H).toISOString(), status: 'online', source: 'system', reason: null },
    ]);
    expect(h.not_watching).toEqual([{ from: new Date(T0 + H).toISOString(), to: new Date(T0 + 3 * H).toISOString() }]);
  });

  it('never reads its own running session as crashed, though its last beat is an hour old', async () => {
    // The clock was moved by hand past CRASHED_AFTER_MS since the session's last beat.
    const [row]: { last_alive_at: Date }[] = await db.dataSource.query(`SELECT last_alive_at FROM monitor_session WHERE ended_at IS NULL`);
    expect(clock.now().getTime() - row.last_alive_at.getTime()).toBeGreaterThan(CRASHED_AFTER_MS);
    const body = (await uptime(second, T0 + 3 * H, T0 + 4 * H)).body;
    expect(body).toMatchObject({ online_s: 3600, not_watching_s: 0, not_watching: [] });
  });
});

describe('a crashed replica, and a replica with monitoring off', () => {
  it('ends a crashed session at its last sign of life; a replica with monitoring off watches nothing', async () => {
    // Every session so far ends: then one crashes (left unended, alive last at +5 h), and a replica with
    // monitoring off serves from +6 h. Nothing watches after +5 h.
    await db.dataSource.query(`UPDATE monitor_session SET ended_at = $1, last_alive_at = $1 WHERE ended_at IS NULL`, [new Date(T0 + 4 * H)]);
    await db.dataSource.query(`INSERT INTO monitor_session (instance_id, started_at, last_alive_at) VALUES ('crashed', $1, $2)`, [
      new Date(T0 + 4 * H + 30 * MIN),
      new Date(T0 + 5 * H),
    ]);
    clock.set(T0 + 6 * H);
    const off = await startReplica(false);
    try {
      clock.set(T0 + 7 * H);
      const rows: { n: number }[] = await db.dataSource.query(`SELECT count(*)::int AS n FROM monitor_session`);
      expect(rows[0].n).toBe(3); // the replica with monitoring off opened none
      const body = (await uptime(off, T0 + 4 * H, T0 + 7 * H)).body;
      expect(body.not_watching).toEqual([
        { from: new Date(T0 + 4 * H).toISOString(), to: new Date(T0 + 4 * H + 30 * MIN).toISOString() },
        { from: new Date(T0 + 5 * H).toISOString(), to: null },
      ]);
      expect(body).toMatchObject({ online_s: 1800, unknown_s: 2.5 * 3600, not_watching_s: 2.5 * 3600 });
      const late = (await search(off, T0 + 6 * H + 30 * MIN)).body;
      expect(late.not_watching).toEqual({ from: new Date(T0 + 5 * H).toISOString(), to: null });
      expect(late.cameras[0]).toMatchObject({ recorded: null, unknown_reason: 'camnet_not_watching' });
    } finally {
      await off.app.close();
    }
  });
});
