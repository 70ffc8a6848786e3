/**
 * MaintenanceService decides on an in-memory fake of its store: what makes a
 * window valid (its times, its scope, no overlap with another of the same
 * scope), what may change once it has started or ended, what cancelling means,
 * which cameras a check sees as covered, and what a sweep moves in and out of
 * maintenance. The SQL behind the store keeps its tests on both databases
 * (test/monitoring/maintenance.repository.test.ts); the routes theirs
 * (test/console/maintenance.http.test.ts).
 */
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { InMemoryMaintenanceStore } from '../../test/support/fakes/maintenance.store.fake';
import { ManualClock } from '../common/clock';
import { CamnetEvents, EventBus } from '../common/event-bus';
import type { Status } from '../domain/status';
import { ListeningWindow } from './listening-window';
import { MaintenanceService, MaintenanceTransitions } from './maintenance.service';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => new Date(NOW + minutes * MIN);
const SILENT_MS = 10 * MIN;

/** The state changes a sweep asks for, carried out on the fake's statuses as CameraStateService would. */
class RecordedTransitions implements MaintenanceTransitions {
  readonly calls: string[] = [];
  constructor(private readonly store: InMemoryMaintenanceStore) {}
  async applyCameraObservation(...[id, o]: Parameters<MaintenanceTransitions['applyCameraObservation']>): Promise<boolean> {
    this.calls.push(`camera ${id} ${o.type}`);
    this.store.setStatus('camera', id, 'maintenance');
    return true;
  }
  async applyStation(...[id, o]: Parameters<MaintenanceTransitions['applyStation']>): Promise<Status | null> {
    const next: Status = o.type === 'maintenance_start' ? 'maintenance' : 'recentlySeen' in o && o.recentlySeen ? 'online' : 'offline';
    this.calls.push(`station ${id} ${o.type}${'recentlySeen' in o ? ` recent=${o.recentlySeen}` : ''}`);
    this.store.setStatus('station', id, next);
    return next;
  }
}

function world() {
  const store = new InMemoryMaintenanceStore();
  const clock = new ManualClock(NOW);
  const bus = new EventBus();
  const listening = new ListeningWindow({ stationSilentMs: SILENT_MS });
  listening.connected(at(-24 * 60));
  const transitions = new RecordedTransitions(store);
  const maintenance = new MaintenanceService(store, transitions, bus, listening, clock);
  const created: CamnetEvents['maintenance.created'][] = [];
  bus.on('maintenance.created', (e) => created.push(e));
  store
    .addUnit('2019', 'district', '600')
    .addUnit('2019', 'commune', '27700', '600')
    .addUnit('2019', 'commune', '27703', '600')
    .addUnit('2019', 'commune', '27800')
    .addUnit('2025-07', 'commune', '99001')
    .addStation({ id: 1, code: 'ST-A', communeCode: '27700', communeCode2025: '99001', status: 'online', lastSeenAt: at(-1) })
    .addStation({ id: 2, code: 'ST-B', communeCode: '27800', communeCode2025: null, status: 'online', lastSeenAt: at(-1) })
    .addCamera({ id: 1, code: 'ST-A-C1', stationCode: 'ST-A', communeCode: '27700', communeCode2025: '99001', status: 'online' })
    .addCamera({ id: 2, code: 'ST-A-C2', stationCode: 'ST-A', communeCode: '27700', communeCode2025: '99001', status: 'offline' })
    .addCamera({ id: 3, code: 'ST-B-C1', stationCode: 'ST-B', communeCode: '27800', communeCode2025: null, status: 'online' })
    .addCamera({ id: 4, code: 'CIT-1', stationCode: null, communeCode: '27703', communeCode2025: null }); // not monitored
  return { store, clock, listening, transitions, maintenance, created };
}

const camera = (code: string, stationCode: string | null, communeCode: string | null, communeCode2025: string | null = null) => ({
  code,
  stationCode,
  communeCode,
  communeCode2025,
});
const fieldOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadRequestException);
  const body = (err as BadRequestException).getResponse() as { errors: Array<{ field: string; reason: string }> };
  return body.errors[0];
};

describe('MaintenanceService: what makes a window valid', () => {
  it('refuses a window that ends before it starts, or on a place camnet does not know, naming the field', async () => {
    const { maintenance } = world();
    expect((await fieldOf(maintenance.create({ scope: 'camera', scopeId: 'ST-A-C1', startsAt: at(60), endsAt: at(60), reason: null }))).field).toBe('ends_at');
    expect(await fieldOf(maintenance.create({ scope: 'station', scopeId: 'ST-NOPE', startsAt: at(60), endsAt: at(90), reason: null }))).toMatchObject({
      field: 'scope_id',
      reason: 'no station with code ST-NOPE',
    });
    expect((await fieldOf(maintenance.create({ scope: 'district', scopeId: '27700', startsAt: at(60), endsAt: at(90), reason: null }))).field).toBe('scope_id');
    expect(await maintenance.list()).toEqual([]);
  });

  it('refuses two windows of one scope that overlap, naming the other; back to back, or another scope, is fine', async () => {
    const { maintenance, created } = world();
    const first = await maintenance.create({ scope: 'camera', scopeId: 'ST-A-C2', startsAt: at(60), endsAt: at(120), reason: null }, 'kt1');
    expect(first).toMatchObject({
      scope: 'camera',
      scope_id: 'ST-A-C2',
      starts_at: at(60).toISOString(),
      ends_at: at(120).toISOString(),
      created_by: 'kt1',
      active: false,
    });
    expect(created).toEqual([{ scope: 'camera', scopeId: 'ST-A-C2', startsAt: at(60), endsAt: at(120) }]);
    const overlap = await fieldOf(maintenance.create({ scope: 'camera', scopeId: 'ST-A-C2', startsAt: at(90), endsAt: at(150), reason: null }));
    expect(overlap.field).toBe('starts_at');
    expect(overlap.reason).toContain(`overlaps maintenance window ${first.id} of camera ST-A-C2 (${at(60).toISOString()} – ${at(120).toISOString()})`);
    await maintenance.create({ scope: 'camera', scopeId: 'ST-A-C2', startsAt: at(120), endsAt: at(150), reason: null });
    // A window of the station that holds the camera is another scope: it may overlap.
    await maintenance.create({ scope: 'station', scopeId: 'ST-A', startsAt: at(90), endsAt: at(150), reason: null });
    expect(created).toHaveLength(3);
  });
});

describe('MaintenanceService: changing, ending and cancelling', () => {
  it('extends a window in force and ends it early (an end in the past ends it now), but never moves its start', async () => {
    const { maintenance, clock, store } = world();
    const w = await maintenance.create({ scope: 'camera', scopeId: 'ST-A-C1', startsAt: at(-5), endsAt: at(60), reason: 'thay nguồn' });
    expect(w.active).toBe(true);
    const longer = await maintenance.update(w.id, { endsAt: at(90) });
    expect(longer).toMatchObject({ ends_at: at(90).toISOString(), reason: 'thay nguồn', active: true });
    expect((await store.find(w.id))?.updatedAt).toEqual(at(0));
    expect((await fieldOf(maintenance.update(w.id, { startsAt: at(-10) }))).field).toBe('starts_at');
    // The same start is no move.
    await maintenance.update(w.id, { startsAt: at(-5), reason: null });
    clock.advance(10 * MIN);
    const ended = await maintenance.update(w.id, { endsAt: at(-3) });
    expect(ended).toMatchObject({ ends_at: at(10).toISOString(), active: false });
    await expect(maintenance.update(w.id, { endsAt: at(60) })).rejects.toThrow(ConflictException);
    await expect(maintenance.end(w.id)).rejects.toThrow(ConflictException);
  });

  it('moves a window that has not started, but not into the past, and not onto another', async () => {
    const { maintenance } = world();
    const a = await maintenance.create({ scope: 'commune', scopeId: '27800', startsAt: at(60), endsAt: at(120), reason: null });
    const b = await maintenance.create({ scope: 'commune', scopeId: '27800', startsAt: at(200), endsAt: at(260), reason: null });
    expect(await maintenance.update(a.id, { startsAt: at(30), endsAt: at(100) })).toMatchObject({
      starts_at: at(30).toISOString(),
      ends_at: at(100).toISOString(),
    });
    expect((await fieldOf(maintenance.update(a.id, { startsAt: at(-1) }))).field).toBe('starts_at');
    expect((await fieldOf(maintenance.update(a.id, { endsAt: at(210) }))).reason).toContain(`overlaps maintenance window ${b.id}`);
    // Its own old times are no overlap.
    await maintenance.update(b.id, { startsAt: at(190) });
    // Changing the scope checks the new one.
    expect((await fieldOf(maintenance.update(a.id, { scope: 'station', scopeId: 'ST-NOPE' }))).field).toBe('scope_id');
    expect(await maintenance.update(a.id, { scope: 'station', scopeId: 'ST-B' })).toMatchObject({ scope: 'station', scope_id: 'ST-B' });
    await expect(maintenance.update(999, { endsAt: at(10) })).rejects.toThrow(NotFoundException);
  });

  it('ends a window in force now', async () => {
    const { maintenance } = world();
    const w = await maintenance.create({ scope: 'station', scopeId: 'ST-B', startsAt: at(-30), endsAt: at(30), reason: null });
    expect(await maintenance.end(w.id)).toMatchObject({ ends_at: at(0).toISOString(), active: false });
  });

  it('cancels only a window that has not started; one in force or over stays', async () => {
    const { maintenance } = world();
    const future = await maintenance.create({ scope: 'commune', scopeId: '27703', startsAt: at(300), endsAt: at(400), reason: null });
    const now = await maintenance.create({ scope: 'commune', scopeId: '27703', startsAt: at(-10), endsAt: at(10), reason: null });
    expect(await maintenance.cancel(future.id)).toMatchObject({ id: future.id, active: false });
    await expect(maintenance.cancel(future.id)).rejects.toThrow(NotFoundException);
    await expect(maintenance.cancel(now.id)).rejects.toThrow(/only a future window can be cancelled/);
    expect((await maintenance.list()).map((w) => w.id)).toEqual([now.id]);
  });

  it('lists the windows in force, or all of them newest first', async () => {
    const { maintenance } = world();
    const past = await maintenance.create({ scope: 'camera', scopeId: 'ST-B-C1', startsAt: at(1), endsAt: at(2), reason: null });
    const later = await maintenance.create({ scope: 'camera', scopeId: 'ST-B-C1', startsAt: at(100), endsAt: at(200), reason: null });
    const inForce = await maintenance.create({ scope: 'station', scopeId: 'ST-B', startsAt: at(-5), endsAt: at(5), reason: null });
    expect((await maintenance.list({ active: true })).map((w) => w.id)).toEqual([inForce.id]);
    expect((await maintenance.list()).map((w) => w.id)).toEqual([later.id, past.id, inForce.id]);
  });
});

describe('MaintenanceService: coverage and the sweep', () => {
  it('tells a check whether a camera is covered: its own window, its station’s, its commune’s in either layout, its district’s', async () => {
    const { maintenance, store } = world();
    const probe = camera('X-1', 'ST-Z', '27703', '99009');
    await maintenance.refresh();
    expect(maintenance.covers(probe)).toBe(false);
    const cases: Array<[Parameters<typeof store.insert>[0]['scope'], string]> = [
      ['camera', 'X-1'],
      ['station', 'ST-Z'],
      ['commune', '27703'],
      ['commune', '99009'],
      ['district', '600'],
    ];
    for (const [scope, scopeId] of cases) {
      const w = await store.insert({ scope, scopeId, startsAt: at(-1), endsAt: at(1), reason: null }, null);
      await maintenance.refresh();
      expect([scope, scopeId, maintenance.covers(probe)]).toEqual([scope, scopeId, true]);
      await store.delete(w.id);
    }
    await maintenance.refresh();
    expect(maintenance.covers(probe)).toBe(false);
  });

  it('covers a district’s 2019 communes only: a 2025 commune that reuses such a code is not in the district', async () => {
    const { maintenance, store } = world();
    await store.insert({ scope: 'district', scopeId: '600', startsAt: at(-1), endsAt: at(1), reason: null }, null);
    await maintenance.refresh();
    expect(maintenance.covers(camera('A', null, '27700'))).toBe(true);
    expect(maintenance.covers(camera('B', null, '27800', '27700'))).toBe(false);
    expect(maintenance.covers(camera('C', null, null, null))).toBe(false);
  });

  it('a window opened now moves its monitored cameras and its station into maintenance at once, and only once', async () => {
    const { maintenance, transitions, store } = world();
    await maintenance.create({ scope: 'station', scopeId: 'ST-A', startsAt: at(-1), endsAt: at(60), reason: null });
    expect(transitions.calls).toEqual(['camera 1 maintenance_start', 'camera 2 maintenance_start', 'station 1 maintenance_start']);
    await maintenance.sweep();
    expect(transitions.calls).toHaveLength(3);
    expect(store.cameras.find((c) => c.id === 3)?.status).toBe('online');
  });

  it('a future window moves nothing until it opens; then the sweep does', async () => {
    const { maintenance, transitions, clock } = world();
    await maintenance.create({ scope: 'district', scopeId: '600', startsAt: at(30), endsAt: at(60), reason: null });
    expect(transitions.calls).toEqual([]);
    clock.set(at(30));
    await maintenance.sweep();
    // The citizen camera in 27703 is not monitored; ST-B is in another district.
    expect(transitions.calls).toEqual(['camera 1 maintenance_start', 'camera 2 maintenance_start', 'station 1 maintenance_start']);
  });

  it('brings a station out when its window closes: online if heard lately, else offline only once camnet has listened a whole silence limit', async () => {
    const { maintenance, transitions, clock, store, listening } = world();
    await maintenance.create({ scope: 'commune', scopeId: '27800', startsAt: at(-1), endsAt: at(30), reason: null });
    await maintenance.create({ scope: 'station', scopeId: 'ST-A', startsAt: at(-1), endsAt: at(30), reason: null });
    transitions.calls.length = 0;
    clock.set(at(30));
    store.stations.find((s) => s.id === 1)!.lastSeenAt = at(25); // heard within the limit
    store.stations.find((s) => s.id === 2)!.lastSeenAt = at(5); // silent
    // camnet has listened for only two minutes: a silence cannot be judged yet.
    listening.connected(at(28));
    await maintenance.sweep();
    expect(transitions.calls).toEqual(['station 1 maintenance_end recent=true']);
    expect(store.stations.find((s) => s.id === 2)?.status).toBe('maintenance');
    // A whole silence limit of listening later, the silent station goes offline.
    clock.set(at(28 + SILENT_MS / MIN));
    await maintenance.sweep();
    expect(transitions.calls).toEqual(['station 1 maintenance_end recent=true', 'station 2 maintenance_end recent=false']);
    expect(store.stations.find((s) => s.id === 2)?.status).toBe('offline');
  });
});
