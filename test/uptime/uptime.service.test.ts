import { EventBus } from '../../src/common/event-bus';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test, TestingModule } from '@nestjs/testing';
import { ManualClock } from '../../src/common/clock';
import type { Status } from '../../src/domain/status';
import { UptimeModule } from '../../src/uptime/uptime.module';
import { UptimeRollup } from '../../src/uptime/uptime.rollup';
import { UptimeQuery, UptimeService } from '../../src/uptime/uptime.service';
import { testCoreModule } from '../support/core';
import { openTestDatabase, TestDatabase } from '../support/database';
import { D0, DAY, H, NOW, timeline, UPTIME_QUERIES } from '../support/uptime.fixture';

/**
 * Uptime's SQL on a real database: scope filters, rollup rows written and read back,
 * the watermark, the scheduler. The service's own decisions (hand-computed reports,
 * windows, refusals, the rollup's arithmetic) are tested on in-memory repositories
 * in src/uptime/uptime.service.spec.ts.
 */
describe('UptimeService and rollups (database)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let uptime: UptimeService;
  let rollup: UptimeRollup;
  const ids: Record<string, number> = {};

  async function camera(code: string, commune: string, commune2025: string | null, stationId: number | null = null): Promise<number> {
    const rows = await db.dataSource.query(
      `INSERT INTO camera (code, station_id, ownership, commune_code, commune_code_2025, lat, lon, heading_deg, fov_deg, range_m)
       VALUES ($1, $2, $3, $4, $5, 10.6, 106.4, 90, 60, 40) RETURNING id`,
      [code, stationId, stationId ? 'station' : 'citizen', commune, commune2025],
    );
    return (ids[code] = rows[0].id);
  }

  async function events(cameraId: number, list: { at: number; status: Status }[]): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO status_event (subject, subject_id, at, status, source)
       SELECT 'camera', $1, a, s, 'system' FROM unnest($2::timestamptz[], $3::text[]) AS t(a, s)`,
      [cameraId, list.map((e) => new Date(e.at)), list.map((e) => e.status)],
    );
  }

  async function maintenance(scope: string, scopeId: string, from: number, to: number): Promise<void> {
    await db.dataSource.query(`INSERT INTO maintenance_window (scope, scope_id, starts_at, ends_at) VALUES ($1, $2, $3, $4)`, [
      scope,
      scopeId,
      new Date(from),
      new Date(to),
    ]);
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
    await q(`INSERT INTO admin_unit (layout, code, name, level, parent_code) VALUES
      ('2019', '80', 'Long An', 'province', NULL),
      ('2019', '600', 'Huyện A', 'district', '80'),
      ('2019', '601', 'Huyện B', 'district', '80'),
      ('2019', '27700', 'Xã A1', 'commune', '600'),
      ('2019', '27703', 'Xã A2', 'commune', '600'),
      ('2019', '27800', 'Xã B1', 'commune', '601'),
      ('2025-07', '99001', 'Xã Mới', 'commune', '80')`);
    const station = (await q(`INSERT INTO station (code, name, commune_code, lat, lon) VALUES ('ST-1', 'Trạm 1', '27700', 10.6, 106.4) RETURNING id`))[0].id;
    await camera('C1', '27700', '99001', station);
    await camera('C2', '27700', '99001', station);
    await camera('C3', '27700', '99001');
    await camera('C4', '27703', null);
    await camera('C5', '27800', null);
    await camera('SIMPLE', '27800', null);

    const noDegraded: Status[] = ['online', 'online', 'offline', 'maintenance', 'unknown'];
    await events(ids.C1, timeline(1, noDegraded, 60));
    await events(ids.C2, timeline(2, ['online', 'offline', 'degraded', 'online'], 80));
    await events(ids.C3, timeline(3, noDegraded, 40));
    await events(ids.C4, timeline(4, ['online', 'offline'], 30));
    await events(ids.C5, timeline(5, ['online', 'offline', 'degraded'], 10, D0 + 3 * DAY + 1234)); // unknown for three days
    await maintenance('camera', 'C1', D0 + 1 * DAY + 20 * H, D0 + 2 * DAY + 3 * H + 17); // across midnight
    await maintenance('station', 'ST-1', D0 + 4 * DAY + 2 * H, D0 + 4 * DAY + 9 * H);
    await maintenance('commune', '27703', D0 + 2 * DAY, D0 + 3 * DAY); // a whole day
    await maintenance('commune', '99001', D0 + 5 * DAY + 23 * H, D0 + 6 * DAY + 1 * H); // 2025 code

    // SIMPLE: online from day 1 06:00, offline from day 1 18:00; a commune window 20:00–21:00.
    await events(ids.SIMPLE, [
      { at: D0 + DAY + 6 * H, status: 'online' },
      { at: D0 + DAY + 18 * H, status: 'offline' },
    ]);
    await maintenance('commune', '27800', D0 + DAY + 20 * H, D0 + DAY + 21 * H);

    // DEGRADED (same commune): degraded for two and a half days, whole days among them.
    await camera('DEGRADED', '27800', null);
    await events(ids.DEGRADED, [
      { at: D0 + DAY + 12 * H, status: 'online' },
      { at: D0 + 2 * DAY + 6 * H, status: 'degraded' },
      { at: D0 + 4 * DAY + 18 * H, status: 'offline' },
      { at: D0 + 5 * DAY, status: 'online' },
    ]);

    moduleRef = await Test.createTestingModule({
      imports: [testCoreModule(db.dataSource, new ManualClock(NOW)), ScheduleModule.forRoot(), UptimeModule],
    }).compile();
    await moduleRef.init();
    uptime = moduleRef.get(UptimeService);
    rollup = moduleRef.get(UptimeRollup);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
  });

  it('schedules the rollup hourly and once soon after start', () => {
    const registry = moduleRef.get(SchedulerRegistry);
    expect(registry.getIntervals()).toHaveLength(1);
    expect(registry.getTimeouts()).toHaveLength(1);
  });

  const queries = UPTIME_QUERIES;

  it('gives exactly the same figures from daily rollups as from raw events', async () => {
    const raw = await Promise.all(queries.map((q) => uptime.report(q)));
    // The figures are not trivial: every bucket occurs somewhere.
    const district = raw.find((r) => r.scope === 'district' && r.code === '600')!;
    expect(district.cameras).toBe(4);
    for (const k of ['online_s', 'offline_s', 'degraded_s', 'maintenance_s', 'unknown_s'] as const) {
      expect(raw.some((r) => r[k] > 0)).toBe(true);
    }
    const span = (r: (typeof raw)[number]) => (Date.parse(r.to) - Date.parse(r.from)) / 1000;
    for (const r of raw) expect(r.online_s + r.offline_s + r.degraded_s + r.maintenance_s + r.unknown_s).toBeCloseTo(r.cameras * span(r), 6);

    const days = await rollup.rollUp();
    expect(days).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
    const rolled = await Promise.all(queries.map((q) => uptime.report(q)));
    expect(rolled).toEqual(raw);

    // And the rollups are really what was read: a changed row changes the report.
    // A second moved from offline to online, so the row stays consistent (known_s unchanged).
    await db.dataSource.query(`UPDATE uptime_daily SET online_s = online_s + 1, offline_s = offline_s - 1 WHERE subject_id = $1 AND day = '2025-03-04'`, [
      ids.C1,
    ]);
    const tampered = await uptime.report(queries[0]);
    expect(tampered.online_s).toBe(raw[0].online_s + 1);
    expect(tampered.offline_s).toBe(raw[0].offline_s - 1);
    await db.dataSource.query(`UPDATE uptime_daily SET online_s = online_s - 1, offline_s = offline_s + 1 WHERE subject_id = $1 AND day = '2025-03-04'`, [
      ids.C1,
    ]);
  });

  it('is idempotent, and recomputes the days after an invalidation', async () => {
    const count = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM uptime_daily`))[0].n);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    expect(await rollup.rollUp()).toEqual([]);

    const q = queries.find((x) => x.scope === 'district' && x.code === '601')!;
    const report = await uptime.report(q);
    // SIMPLE is offline then: this window turns an hour of it into maintenance.
    await maintenance('camera', 'SIMPLE', D0 + 3 * DAY + 5 * H, D0 + 3 * DAY + 6 * H);
    // Creating the window announces it; the rollup moves its watermark back by itself.
    const watermark = async () => (await db.dataSource.query(`SELECT value FROM camnet_meta WHERE key = 'uptime.rolled_through'`))[0]?.value;
    const rolledThrough = await watermark();
    moduleRef
      .get(EventBus)
      .emit('maintenance.created', { scope: 'camera', scopeId: 'SIMPLE', startsAt: new Date(D0 + 3 * DAY + 5 * H), endsAt: new Date(D0 + 3 * DAY + 6 * H) });
    for (let i = 0; i < 100 && (await watermark()) === rolledThrough; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await watermark()).toBe('2025-03-03');
    expect(await rollup.rollUp()).toEqual(['2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
    expect(await count()).toBe(before);
    const after = await uptime.report(q);
    expect(after).toEqual(await rawReport(q));
    expect(after.maintenance_s).toBe(report.maintenance_s + 3600);
    expect(after.offline_s).toBe(report.offline_s - 3600);
  });

  it('answers a camera degraded for days from its rollups, offline and degraded apart', async () => {
    await rollup.rollUp();
    const q: UptimeQuery = { scope: 'camera', code: 'DEGRADED', from: new Date(D0 + DAY).toISOString(), to: new Date(D0 + 6 * DAY).toISOString() };
    const raw = await rawReport(q);
    // By hand: unknown until day 1 12:00; online to day 2 06:00 but for the commune's
    // hour of maintenance; degraded to day 4 18:00; offline to day 5; online to day 6.
    expect(raw).toMatchObject({ online_s: 41 * 3600, maintenance_s: 3600, degraded_s: 60 * 3600, offline_s: 6 * 3600, unknown_s: 12 * 3600 });
    expect(await uptime.report(q)).toEqual(raw);

    // The degraded seconds come from the rollup row, not from replayed events.
    const shift = (d: number) =>
      db.dataSource.query(`UPDATE uptime_daily SET degraded_s = degraded_s + $2, offline_s = offline_s - $2 WHERE subject_id = $1 AND day = '2025-03-04'`, [
        ids.DEGRADED,
        d,
      ]);
    await shift(-1);
    try {
      const tampered = await uptime.report(q);
      expect(tampered.degraded_s).toBe(raw.degraded_s - 1);
      expect(tampered.offline_s).toBe(raw.offline_s + 1);
      expect(tampered.online_s).toBe(raw.online_s);
    } finally {
      await shift(1);
    }
  });

  /** The same report with the rollup watermark removed, so only raw events are read. */
  async function rawReport(q: UptimeQuery) {
    const saved = await db.dataSource.query(`SELECT value FROM camnet_meta WHERE key = 'uptime.rolled_through'`);
    await db.dataSource.query(`DELETE FROM camnet_meta WHERE key = 'uptime.rolled_through'`);
    try {
      return await uptime.report(q);
    } finally {
      await db.dataSource.query(`INSERT INTO camnet_meta (key, value) VALUES ('uptime.rolled_through', $1)`, [JSON.stringify(saved[0].value)]);
    }
  }

  it('adds up: a district is the sum of its communes', async () => {
    const w = { from: queries[0].from, to: queries[0].to };
    const [district, a1, a2] = await Promise.all([
      uptime.report({ scope: 'district', code: '600', ...w }),
      uptime.report({ scope: 'commune', code: '27700', ...w }),
      uptime.report({ scope: 'commune', code: '27703', ...w }),
    ]);
    expect(district.cameras).toBe(a1.cameras + a2.cameras);
    for (const k of ['online_s', 'offline_s', 'degraded_s', 'maintenance_s', 'unknown_s'] as const) expect(district[k]).toBeCloseTo(a1[k] + a2[k], 6);
  });
});
