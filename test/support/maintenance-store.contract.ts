/**
 * What any MaintenanceStore must answer, run against MaintenanceRepository on a
 * real database (test/monitoring/maintenance.repository.test.ts, PostgreSQL and
 * PGlite) and against the in-memory fake the service specs use
 * (test/support/fakes/), so a service test on the fake says what it would say on
 * PostgreSQL. Above all it pins the one coverage rule: which windows cover a
 * camera or a station.
 *
 * The cases share one database: each uses its own codes and its own day, so the
 * questions asked across all windows ("in force at t") see only its windows.
 */
import type { Status } from '../../src/domain/status';
import type { MaintenanceFields, MaintenanceStore } from '../../src/monitoring/maintenance.repository';

export interface MaintenanceHarness {
  store: MaintenanceStore;
  /** An administrative unit (districts exist in the 2019 layout only). */
  unit(layout: '2019' | '2025-07', level: 'district' | 'commune', code: string, parent?: string): Promise<void>;
  /** A station; with a status, camnet tracks its state. Answers its id. */
  station(s: { code: string; communeCode: string; communeCode2025?: string | null; status?: Status; lastSeenAt?: Date | null }): Promise<number>;
  /** A camera; with a status it is monitored (a state and a check schedule). Answers its id. */
  camera(c: { code: string; stationCode?: string | null; communeCode: string; communeCode2025?: string | null; status?: Status }): Promise<number>;
  setStatus(kind: 'camera' | 'station', id: number, status: Status): Promise<void>;
}

const T = Date.parse('2025-07-01T00:00:00Z');
const DAY = 86_400_000;
const H = 3_600_000;

export function maintenanceStoreContract(harness: () => MaintenanceHarness): void {
  let h: MaintenanceHarness;
  let day = 0;
  let n = 0;
  /** This case's own day: `at(hours)` within it. */
  const newDay = () => {
    const base = T + ++day * DAY;
    return (hours: number) => new Date(base + hours * H);
  };
  /** Codes no other case uses. */
  const code = (prefix: string) => `${prefix}-${++n}`;
  const commune = () => String(40000 + ++n);
  const window = (scope: MaintenanceFields['scope'], scopeId: string, from: Date, to: Date, reason: string | null = null): MaintenanceFields => ({
    scope,
    scopeId,
    startsAt: from,
    endsAt: to,
    reason,
  });
  beforeAll(() => {
    h = harness();
  });

  it('stores, reads, changes and deletes a window', async () => {
    const at = newDay();
    const cam = code('MC');
    await h.camera({ code: cam, communeCode: commune() });
    const w = await h.store.insert(window('camera', cam, at(1), at(3), 'thay nguồn'), 'kt1');
    expect(w).toEqual({ id: w.id, scope: 'camera', scopeId: cam, startsAt: at(1), endsAt: at(3), reason: 'thay nguồn', createdBy: 'kt1', updatedAt: null });
    expect(await h.store.find(w.id)).toEqual(w);
    const changed = await h.store.update(w.id, window('camera', cam, at(1), at(5), null), at(2));
    expect(changed).toEqual({ ...w, endsAt: at(5), reason: null, updatedAt: at(2) });
    await h.store.delete(w.id);
    expect(await h.store.find(w.id)).toBeNull();
    await h.store.delete(w.id);
  });

  it('finds the earliest other window of the same scope that overlaps; back to back is no overlap', async () => {
    const at = newDay();
    const [st, other] = [code('MS'), code('MS')];
    await h.station({ code: st, communeCode: commune() });
    await h.station({ code: other, communeCode: commune() });
    const late = await h.store.insert(window('station', st, at(6), at(8)), null);
    const early = await h.store.insert(window('station', st, at(2), at(4)), null);
    await h.store.insert(window('station', other, at(0), at(12)), null);
    expect((await h.store.overlapping(window('station', st, at(3), at(7)), null))?.id).toBe(early.id);
    expect((await h.store.overlapping(window('station', st, at(5), at(7)), null))?.id).toBe(late.id);
    expect(await h.store.overlapping(window('station', st, at(4), at(6)), null)).toBeNull();
    expect(await h.store.overlapping(window('station', st, at(8), at(9)), null)).toBeNull();
    // A window does not overlap itself when it is changed.
    expect(await h.store.overlapping(window('station', st, at(6), at(9)), late.id)).toBeNull();
    expect(await h.store.overlapping(window('camera', st, at(2), at(9)), null)).toBeNull();
  });

  it('lists the windows in force (earliest first) or all (newest first)', async () => {
    const at = newDay();
    const [a, b] = [code('ML'), code('ML')];
    const c19 = commune();
    await h.camera({ code: a, communeCode: c19 });
    await h.camera({ code: b, communeCode: c19 });
    const w1 = await h.store.insert(window('camera', a, at(2), at(6)), null);
    const w2 = await h.store.insert(window('camera', b, at(1), at(6)), null);
    const w3 = await h.store.insert(window('camera', a, at(6), at(8)), null);
    expect((await h.store.list(at(3), true)).map((w) => w.id)).toEqual([w2.id, w1.id]);
    expect((await h.store.list(at(6), true)).map((w) => w.id)).toEqual([w3.id]);
    const all = (await h.store.list(at(3), false)).map((w) => w.id).filter((id) => [w1.id, w2.id, w3.id].includes(id));
    expect(all).toEqual([w3.id, w1.id, w2.id]);
  });

  it('knows which cameras, stations, communes and districts exist', async () => {
    const [cam, st, c19, c25, d] = [code('ME'), code('ME'), commune(), commune(), String(700 + ++n)];
    await h.unit('2019', 'district', d);
    await h.unit('2019', 'commune', c19, d);
    await h.unit('2025-07', 'commune', c25);
    await h.camera({ code: cam, communeCode: c19 });
    await h.station({ code: st, communeCode: c19 });
    for (const [scope, id] of [
      ['camera', cam],
      ['station', st],
      ['commune', c19],
      ['commune', c25],
      ['district', d],
    ] as const) {
      expect(await h.store.scopeExists(scope, id)).toBe(true);
    }
    expect(await h.store.scopeExists('camera', st)).toBe(false);
    expect(await h.store.scopeExists('station', cam)).toBe(false);
    expect(await h.store.scopeExists('district', c19)).toBe(false);
    expect(await h.store.scopeExists('commune', d)).toBe(false);
  });

  it('covers a camera by its own window, its station’s, its commune’s in either layout and its district’s, only while in force', async () => {
    const at = newDay();
    const d = String(700 + ++n);
    const [c19, c25, elsewhere] = [commune(), commune(), commune()];
    await h.unit('2019', 'district', d);
    await h.unit('2019', 'commune', c19, d);
    await h.unit('2019', 'commune', elsewhere);
    await h.unit('2025-07', 'commune', c25);
    const st = code('MV');
    await h.station({ code: st, communeCode: c19, communeCode2025: c25 });
    const cam = code('MV');
    await h.camera({ code: cam, stationCode: st, communeCode: c19, communeCode2025: c25 });
    const far = code('MV');
    await h.camera({ code: far, communeCode: elsewhere });
    const covers = (s: string, hour: number) => h.store.coversSubject(s, at(hour));

    await h.store.insert(window('camera', cam, at(1), at(2)), null);
    await h.store.insert(window('station', st, at(3), at(4)), null);
    await h.store.insert(window('commune', c19, at(5), at(6)), null);
    await h.store.insert(window('commune', c25, at(7), at(8)), null);
    await h.store.insert(window('district', d, at(9), at(10)), null);

    expect(await covers(`camera:${cam}`, 0.5)).toBe(false);
    for (const hour of [1, 1.5, 3, 5, 7, 9, 9.99]) expect([hour, await covers(`camera:${cam}`, hour)]).toEqual([hour, true]);
    // The end is not inside the window.
    for (const hour of [2, 4, 6, 8, 10]) expect([hour, await covers(`camera:${cam}`, hour)]).toEqual([hour, false]);
    // A station is covered by all but its cameras' windows.
    for (const [hour, want] of [
      [1, false],
      [3, true],
      [5, true],
      [7, true],
      [9, true],
      [10, false],
    ] as const) {
      expect([hour, await covers(`station:${st}`, hour)]).toEqual([hour, want]);
    }
    for (const hour of [1, 3, 5, 7, 9]) expect(await covers(`camera:${far}`, hour)).toBe(false);
    expect(await covers(`inventory:${cam}`, 1)).toBe(false);
    expect(await covers(cam, 1)).toBe(false);
  });

  it('covers by a window on the subject’s own code even when camnet has no such camera or station', async () => {
    const at = newDay();
    const [cam, st] = [code('MG'), code('MG')];
    await h.store.insert(window('camera', cam, at(1), at(2)), null);
    await h.store.insert(window('station', st, at(1), at(2)), null);
    expect(await h.store.coversSubject(`camera:${cam}`, at(1))).toBe(true);
    expect(await h.store.coversSubject(`station:${st}`, at(1))).toBe(true);
    expect(await h.store.coversSubject(`camera:${st}`, at(1))).toBe(false);
  });

  it('gives the windows in force as keys, a district also as its 2019 communes', async () => {
    const at = newDay();
    const d = String(700 + ++n);
    const [c1, c2, cam] = [commune(), commune(), code('MK')];
    await h.unit('2019', 'district', d);
    await h.unit('2019', 'commune', c1, d);
    await h.unit('2019', 'commune', c2, d);
    await h.unit('2025-07', 'commune', commune(), d); // a 2025 commune never counts under a district
    await h.camera({ code: cam, communeCode: c1 });
    await h.store.insert(window('district', d, at(1), at(3)), null);
    await h.store.insert(window('camera', cam, at(2), at(4)), null);
    await h.store.insert(window('commune', c1, at(2), at(4)), null);
    expect((await h.store.activeKeys(at(2))).sort()).toEqual(
      [`camera:${cam}`, `commune2019:${c1}`, `commune2019:${c2}`, `commune:${c1}`, `district:${d}`].sort(),
    );
    expect((await h.store.activeKeys(at(3))).sort()).toEqual([`camera:${cam}`, `commune:${c1}`].sort());
    expect(await h.store.activeKeys(at(5))).toEqual([]);
  });

  it('names the monitored cameras and the stations a sweep moves into maintenance, and the stations whose windows closed', async () => {
    const at = newDay();
    const c19 = commune();
    const st = code('MW');
    const stId = await h.station({ code: st, communeCode: c19, status: 'online', lastSeenAt: at(0) });
    const quiet = code('MW');
    const quietId = await h.station({ code: quiet, communeCode: c19, status: 'online', lastSeenAt: null });
    const untracked = code('MW');
    await h.station({ code: untracked, communeCode: c19 });
    const cam = await h.camera({ code: code('MW'), stationCode: st, communeCode: c19, status: 'offline' });
    const already = await h.camera({ code: code('MW'), communeCode: c19, status: 'maintenance' });
    await h.camera({ code: code('MW'), communeCode: c19 }); // not monitored
    const outside = await h.camera({ code: code('MW'), communeCode: commune(), status: 'online' });

    await h.store.insert(window('commune', c19, at(1), at(3)), null);
    expect(await h.store.camerasEntering(at(0))).toEqual([]);
    const entering = await h.store.camerasEntering(at(1));
    expect(entering).toEqual([cam]);
    expect(entering).not.toContain(already);
    expect(entering).not.toContain(outside);
    expect(await h.store.stationsEntering(at(1))).toEqual([stId, quietId].sort((a, b) => a - b));

    await h.setStatus('station', stId, 'maintenance');
    await h.setStatus('station', quietId, 'maintenance');
    const leaving = (hour: number, seenSinceHour: number) => h.store.stationsLeaving(at(hour), at(seenSinceHour));
    const mine = async (hour: number, seenSinceHour: number) => (await leaving(hour, seenSinceHour)).filter((s) => s.id === stId || s.id === quietId);
    expect(await mine(2, 0)).toEqual([]);
    expect(await mine(3, 0)).toEqual(
      [
        { id: stId, recent: true },
        { id: quietId, recent: false },
      ].sort((a, b) => a.id - b.id),
    );
    expect((await mine(3, 0.5)).find((s) => s.id === stId)).toEqual({ id: stId, recent: false });
  });
}
