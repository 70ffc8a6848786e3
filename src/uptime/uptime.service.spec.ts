/**
 * UptimeService and UptimeRollup decide on in-memory fakes of their repositories:
 * windows, scopes, the split between rolled-up days and raw edges, the rollup
 * watermark. The SQL behind them keeps its tests on both databases
 * (test/uptime/uptime.service.test.ts, test/monitoring/status-history.repository.test.ts).
 */
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { InMemoryStatusHistory } from '../../test/support/fakes/status-history.fake';
import { InMemoryUptimeStore } from '../../test/support/fakes/uptime.store.fake';
import { ManualClock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import type { Status } from '../domain/status';
import { UptimeRollup } from './uptime.rollup';
import { UptimeQuery, UptimeService } from './uptime.service';
import { D0, DAY, H, NOW, timeline, UPTIME_QUERIES } from '../../test/support/uptime.fixture';

const iso = (ms: number) => new Date(ms).toISOString();

/** The Long An-like fixture of the database test, in memory: two districts, a station, cameras with their histories and windows. */
function world() {
  const history = new InMemoryStatusHistory();
  const store = new InMemoryUptimeStore(history);
  const clock = new ManualClock(NOW);
  const bus = new EventBus();
  const uptime = new UptimeService(store, history, clock);
  const rollup = new UptimeRollup(store, history, bus, clock);
  store
    .addUnit('2019', 'district', '600')
    .addUnit('2019', 'district', '601')
    .addUnit('2019', 'commune', '27700', '600')
    .addUnit('2019', 'commune', '27703', '600')
    .addUnit('2019', 'commune', '27800', '601')
    .addUnit('2025-07', 'commune', '99001', '80')
    .addStation('ST-1', 1);
  const camera = (id: number, code: string, communeCode: string, communeCode2025: string | null, districtCode: string, stationCode: string | null = null) =>
    store.addCamera({ id, code, communeCode, communeCode2025, districtCode, stationCode, stationId: stationCode ? 1 : null, monitored: true });
  const events = (id: number, list: { at: number; status: Status }[]) => list.forEach((e) => history.addStatus(id, e.at, e.status));
  camera(1, 'C1', '27700', '99001', '600', 'ST-1');
  camera(2, 'C2', '27700', '99001', '600', 'ST-1');
  camera(3, 'C3', '27700', '99001', '600');
  camera(4, 'C4', '27703', null, '600');
  camera(5, 'C5', '27800', null, '601');
  camera(6, 'SIMPLE', '27800', null, '601');
  camera(7, 'DEGRADED', '27800', null, '601');
  const noDegraded: Status[] = ['online', 'online', 'offline', 'maintenance', 'unknown'];
  events(1, timeline(1, noDegraded, 60));
  events(2, timeline(2, ['online', 'offline', 'degraded', 'online'], 80));
  events(3, timeline(3, noDegraded, 40));
  events(4, timeline(4, ['online', 'offline'], 30));
  events(5, timeline(5, ['online', 'offline', 'degraded'], 10, D0 + 3 * DAY + 1234)); // unknown for three days
  store
    .addMaintenance('camera', 'C1', D0 + 1 * DAY + 20 * H, D0 + 2 * DAY + 3 * H + 17) // across midnight
    .addMaintenance('station', 'ST-1', D0 + 4 * DAY + 2 * H, D0 + 4 * DAY + 9 * H)
    .addMaintenance('commune', '27703', D0 + 2 * DAY, D0 + 3 * DAY) // a whole day
    .addMaintenance('commune', '99001', D0 + 5 * DAY + 23 * H, D0 + 6 * DAY + 1 * H); // 2025 code
  // SIMPLE: online from day 1 06:00, offline from day 1 18:00; a commune window 20:00–21:00.
  events(6, [
    { at: D0 + DAY + 6 * H, status: 'online' },
    { at: D0 + DAY + 18 * H, status: 'offline' },
  ]);
  store.addMaintenance('commune', '27800', D0 + DAY + 20 * H, D0 + DAY + 21 * H);
  // DEGRADED (same commune): degraded for two and a half days, whole days among them.
  events(7, [
    { at: D0 + DAY + 12 * H, status: 'online' },
    { at: D0 + 2 * DAY + 6 * H, status: 'degraded' },
    { at: D0 + 4 * DAY + 18 * H, status: 'offline' },
    { at: D0 + 5 * DAY, status: 'online' },
  ]);
  return { history, store, clock, bus, uptime, rollup };
}

const queries = UPTIME_QUERIES;

describe('UptimeService (in-memory repositories)', () => {
  it('reports one camera over a day against hand-computed figures', async () => {
    const { uptime } = world();
    const r = await uptime.report({ scope: 'camera', code: 'SIMPLE', from: iso(D0 + DAY), to: iso(D0 + 2 * DAY) });
    expect(r).toEqual({
      scope: 'camera',
      code: 'SIMPLE',
      from: '2025-03-02T00:00:00.000Z',
      to: '2025-03-03T00:00:00.000Z',
      cameras: 1,
      unmonitored_left_out: 0,
      online_s: 12 * 3600,
      offline_s: 5 * 3600, // 18:00–20:00 and 21:00–24:00
      degraded_s: 0,
      maintenance_s: 3600,
      unknown_s: 6 * 3600,
      not_watching_s: 0,
      not_watching: [],
      uptime_pct: Math.round((100_000 * 12) / 17) / 1000,
    });
  });

  it('counts the time camnet was stopped as unknown, not as the last status, and its uptime over the watched time only', async () => {
    const { uptime, history, rollup } = world();
    // camnet watched from day 1 00:00 (sessions began then: before it, history as it was), was stopped
    // from day 1 19:00 (a crash: the last sign of life) to day 1 23:00, and has run since.
    history.addWatch(D0 + DAY, D0 + DAY + 19 * H).addWatch(D0 + DAY + 23 * H, null);
    const q: UptimeQuery = { scope: 'camera', code: 'SIMPLE', from: iso(D0 + DAY), to: iso(D0 + 2 * DAY) };
    const r = await uptime.report(q);
    // SIMPLE: unknown to 06:00, online to 18:00, offline to 19:00; unknown while camnet was stopped (the
    // commune's 20:00–21:00 window lies inside: maintenance is planned work, not an observation); offline 23:00–24:00.
    expect(r).toMatchObject({
      online_s: 12 * 3600,
      offline_s: 2 * 3600,
      maintenance_s: 3600,
      unknown_s: 9 * 3600,
      not_watching_s: 4 * 3600,
      not_watching: [{ from: iso(D0 + DAY + 19 * H), to: iso(D0 + DAY + 23 * H) }],
      uptime_pct: Math.round((100_000 * 12) / 14) / 1000,
    });
    // The rollups carry the gap too, and the history before the first session is read as before.
    await rollup.rollUp();
    expect(await uptime.report(q)).toEqual(r);
    const before = await uptime.report({ ...q, from: iso(D0), to: iso(D0 + DAY) });
    expect(before.not_watching_s).toBe(0);
  });

  it('gives the same figures from daily rollups as from raw events, whatever the window', async () => {
    const { uptime, rollup } = world();
    const raw = await Promise.all(queries.map((q) => uptime.report(q)));
    for (const k of ['online_s', 'offline_s', 'degraded_s', 'maintenance_s', 'unknown_s'] as const) expect(raw.some((r) => r[k] > 0)).toBe(true);
    const span = (r: (typeof raw)[number]) => (Date.parse(r.to) - Date.parse(r.from)) / 1000;
    for (const r of raw) expect(r.online_s + r.offline_s + r.degraded_s + r.maintenance_s + r.unknown_s).toBeCloseTo(r.cameras * span(r), 6);
    expect(await rollup.rollUp()).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
    expect(await Promise.all(queries.map((q) => uptime.report(q)))).toEqual(raw);
  });

  it('reads whole rolled-up days from the rollups, the edges from events', async () => {
    const { uptime, rollup, store } = world();
    await rollup.rollUp();
    const q = queries[0];
    const before = await uptime.report(q);
    const row = store.rollups.get('1:2025-03-04')!;
    row.onlineS += 1;
    row.offlineS -= 1;
    const after = await uptime.report(q);
    expect([after.online_s - before.online_s, after.offline_s - before.offline_s]).toEqual([1, -1]);
    // The same day at a window's partial edge is replayed from events, not read from the row.
    const edge = await uptime.report({ ...q, from: iso(D0 + 3 * DAY + H), to: iso(D0 + 3 * DAY + 2 * H) });
    row.onlineS -= 1;
    row.offlineS += 1;
    expect(await uptime.report({ ...q, from: iso(D0 + 3 * DAY + H), to: iso(D0 + 3 * DAY + 2 * H) })).toEqual(edge);
  });

  it('answers a camera degraded for days, offline and degraded apart, from events and from rollups', async () => {
    const { uptime, rollup } = world();
    const q: UptimeQuery = { scope: 'camera', code: 'DEGRADED', from: iso(D0 + DAY), to: iso(D0 + 6 * DAY) };
    // By hand: unknown until day 1 12:00; online to day 2 06:00 but for the commune's
    // hour of maintenance; degraded to day 4 18:00; offline to day 5; online to day 6.
    const raw = await uptime.report(q);
    expect(raw).toMatchObject({ online_s: 41 * 3600, maintenance_s: 3600, degraded_s: 60 * 3600, offline_s: 6 * 3600, unknown_s: 12 * 3600 });
    await rollup.rollUp();
    expect(await uptime.report(q)).toEqual(raw);
  });

  it('reports a camera asked for by name even when never watched; groups count monitored cameras only', async () => {
    const { uptime, store } = world();
    store.addCamera({ id: 8, code: 'PRIVATE', communeCode: '27800', communeCode2025: null, districtCode: '601', stationCode: null, monitored: false });
    const one = await uptime.report({ scope: 'camera', code: 'PRIVATE', from: iso(D0), to: iso(D0 + DAY) });
    expect(one).toMatchObject({ cameras: 1, unmonitored_left_out: 0, unknown_s: 86_400, uptime_pct: null });
    const commune = await uptime.report({ scope: 'commune', code: '27800', from: iso(D0), to: iso(D0 + DAY) });
    expect(commune).toMatchObject({ cameras: 3, unmonitored_left_out: 1 });
  });

  it('leaves cameras retired before the window out of a group, never out of a report by name', async () => {
    const { uptime, store } = world();
    store.addCamera({ id: 9, code: 'OLD', communeCode: '27800', communeCode2025: null, districtCode: '601', stationCode: null, retiredOn: '2025-03-02' });
    const w = { from: iso(D0 + 2 * DAY), to: iso(D0 + 3 * DAY) };
    expect((await uptime.report({ scope: 'commune', code: '27800', ...w })).cameras).toBe(3);
    expect((await uptime.report({ scope: 'camera', code: 'OLD', ...w })).cameras).toBe(1);
  });

  it('defaults to the last 24 hours and never counts the future', async () => {
    const { uptime } = world();
    const r = await uptime.report({ scope: 'camera', code: 'C1' });
    expect(r.to).toBe(iso(NOW));
    expect(r.from).toBe(iso(NOW - DAY));
    const future = await uptime.report({ scope: 'camera', code: 'C1', from: iso(NOW - H), to: iso(NOW + DAY) });
    expect(future.to).toBe(iso(NOW));
    expect(future.online_s + future.offline_s + future.degraded_s + future.maintenance_s + future.unknown_s).toBeCloseTo(3600, 6);
  });

  it('refuses bad windows and unknown subjects with clear messages', async () => {
    const { uptime } = world();
    await expect(uptime.report({ scope: 'camera', code: 'C1', from: iso(D0 + DAY), to: iso(D0) })).rejects.toThrow(BadRequestException);
    await expect(uptime.report({ scope: 'camera', code: 'C1', from: iso(D0 - 401 * DAY), to: iso(D0) })).rejects.toThrow(/at most 400 days/);
    await expect(uptime.report({ scope: 'camera', code: 'C1', from: 'yesterday' })).rejects.toThrow(/from must be an ISO 8601/);
    await expect(uptime.report({ scope: 'camera', code: 'C1', from: iso(NOW + H), to: iso(NOW + 2 * H) })).rejects.toThrow(/from must be in the past/);
    await expect(uptime.report({ scope: 'camera', code: 'NOPE' })).rejects.toThrow(NotFoundException);
    await expect(uptime.report({ scope: 'station', code: 'NOPE' })).rejects.toThrow(/no station with code "NOPE"/);
    await expect(uptime.report({ scope: 'commune', code: '99001' })).rejects.toThrow(/layout=2025-07/);
    await expect(uptime.report({ scope: 'district', code: '999' })).rejects.toThrow(/no district/);
    await expect(uptime.report({ scope: 'district', code: '600', layout: '2025-07' })).rejects.toThrow(BadRequestException);
  });

  it('gives a daily series of at most 92 days, one point per day, the edges cut to the window', async () => {
    const { uptime } = world();
    const s = await uptime.series({ scope: 'camera', code: 'SIMPLE', from: iso(D0 + DAY + 12 * H), to: iso(D0 + 3 * DAY) });
    expect(s.points.map((p) => p.from)).toEqual([iso(D0 + DAY + 12 * H), iso(D0 + 2 * DAY)]);
    // Day 1 from noon: online to 18:00, offline but for the 20:00 window: 6 h of 11 h known.
    expect(s.points[0].uptime_pct).toBe(Math.round((100_000 * 6) / 11) / 1000);
    expect(s.points[1].uptime_pct).toBe(0);
    await expect(uptime.series({ scope: 'camera', code: 'SIMPLE', from: iso(NOW - 93 * DAY) })).rejects.toThrow(/at most 92 days/);
  });
});

describe('UptimeRollup (in-memory repositories)', () => {
  it('rolls up each ended day once, and nothing before the first activity', async () => {
    const { rollup, store } = world();
    expect(await rollup.rollUp(3)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    expect(await rollup.rollUp()).toEqual(['2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
    expect(await rollup.rollUp()).toEqual([]);
    // Camera-days with no known time get no row (unknown the whole day): C5 has no history
    // before 03-04, and on 03-02 only its commune's hour of maintenance.
    expect([...store.rollups.keys()].filter((k) => k.startsWith('5:')).sort()).toEqual([
      '5:2025-03-02',
      '5:2025-03-04',
      '5:2025-03-05',
      '5:2025-03-06',
      '5:2025-03-07',
    ]);
    expect(store.rollups.get('5:2025-03-02')).toMatchObject({ maintenanceS: 3600, knownS: 3600, onlineS: 0 });
  });

  it('rolls nothing without any history', async () => {
    const history = new InMemoryStatusHistory();
    const store = new InMemoryUptimeStore(history);
    const clock = new ManualClock(NOW);
    await expect(new UptimeRollup(store, history, new EventBus(), clock).rollUp()).resolves.toEqual([]);
  });

  it('moves its watermark back when a window is recorded for rolled-up days, and rolls those days again', async () => {
    const { rollup, store, bus, uptime } = world();
    await rollup.rollUp();
    const q = { scope: 'district' as const, code: '601', from: queries[0].from, to: queries[0].to };
    const report = await uptime.report(q);
    // SIMPLE is offline then: this window turns an hour of it into maintenance.
    const window = { scope: 'camera' as const, scopeId: 'SIMPLE', startsAt: new Date(D0 + 3 * DAY + 5 * H), endsAt: new Date(D0 + 3 * DAY + 6 * H) };
    store.addMaintenance(window.scope, window.scopeId, window.startsAt.getTime(), window.endsAt.getTime());
    bus.emit('maintenance.created', window);
    for (let i = 0; i < 100 && (await store.rolledThrough()) === '2025-03-07'; i++) await new Promise((r) => setTimeout(r, 1));
    expect(await store.rolledThrough()).toBe('2025-03-03');
    expect(await rollup.rollUp()).toEqual(['2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
    const after = await uptime.report(q);
    expect(after.maintenance_s).toBe(report.maintenance_s + 3600);
    expect(after.offline_s).toBe(report.offline_s - 3600);
    // A window before every rolled-up day clears the watermark: everything is rolled again.
    await rollup.invalidateFrom(new Date(D0 - 5 * DAY));
    expect(await store.rolledThrough()).toBeNull();
    // A window after the watermark changes nothing.
    await rollup.rollUp();
    await rollup.invalidateFrom(new Date(NOW));
    expect(await store.rolledThrough()).toBe('2025-03-07');
    rollup.onModuleDestroy();
  });
});
