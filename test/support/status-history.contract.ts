/**
 * What any StatusHistory must answer, run against StatusHistoryRepository on a
 * real database (test/monitoring/status-history.repository.test.ts) and against
 * the in-memory fake the service tests use (test/support/fakes/), so a service
 * test on the fake says what it would say on PostgreSQL.
 */
import type { Status } from '../../src/domain/status';
import type { HeadingChange, StatusChange, StatusHistory } from '../../src/monitoring/status-history.repository';

export interface HistoryHarness {
  history: StatusHistory;
  /** A new camera with no history. */
  camera(): Promise<number>;
  /** Records transitions in the given order (later ones win a tie at one time). */
  addStatus(cameraId: number, events: Array<{ at: number; status: Status; reason?: string | null; source?: StatusChange['source'] }>): Promise<void>;
  addHeading(cameraId: number, events: Array<{ at: number; headingDeg: number | null } & Partial<Pick<HeadingChange, 'pan' | 'tilt' | 'zoom' | 'source'>>>): Promise<void>;
}

const T = Date.parse('2025-03-01T08:00:00Z');
const MIN = 60_000;
const at = (m: number) => new Date(T + m * MIN);

export function statusHistoryContract(harness: () => HistoryHarness): void {
  let h: HistoryHarness;
  beforeAll(() => {
    h = harness();
  });

  it('gives the status in force at a time: the last transition at or before it, with its reason', async () => {
    const [a, b, none] = [await h.camera(), await h.camera(), await h.camera()];
    await h.addStatus(a, [
      { at: T, status: 'online' },
      { at: T + 10 * MIN, status: 'degraded', reason: 'clock_drift' },
      { at: T + 20 * MIN, status: 'offline', reason: 'offline: timeout' },
    ]);
    await h.addStatus(b, [{ at: T + 5 * MIN, status: 'online' }]);
    const s = await h.history.statusAt([a, b, none], at(10));
    expect(s.get(a)).toEqual({ status: 'degraded', reason: 'clock_drift' });
    expect(s.get(b)).toEqual({ status: 'online', reason: null });
    expect(s.has(none)).toBe(false);
    expect((await h.history.statusAt([a, b], at(-1))).size).toBe(0);
    expect((await h.history.statusAt([a], at(60))).get(a)?.status).toBe('offline');
    expect((await h.history.statusAt([], at(60))).size).toBe(0);
  });

  it('gives the status in force just before a time: a transition at that very time does not count', async () => {
    const a = await h.camera();
    await h.addStatus(a, [
      { at: T, status: 'online' },
      { at: T + 10 * MIN, status: 'offline' },
    ]);
    expect((await h.history.statusBefore([a], at(10))).get(a)?.status).toBe('online');
    expect((await h.history.statusAt([a], at(10))).get(a)?.status).toBe('offline');
    expect((await h.history.statusBefore([a], at(0))).has(a)).toBe(false);
  });

  it('lets the later of two transitions at one time win', async () => {
    const a = await h.camera();
    await h.addStatus(a, [
      { at: T, status: 'online' },
      { at: T + MIN, status: 'offline' },
      { at: T + MIN, status: 'maintenance' },
    ]);
    expect((await h.history.statusAt([a], at(1))).get(a)?.status).toBe('maintenance');
    expect((await h.history.statusBefore([a], at(2))).get(a)?.status).toBe('maintenance');
    expect((await h.history.statusChanges([a], { from: at(1), to: at(2) })).get(a)?.map((c) => c.status)).toEqual(['offline', 'maintenance']);
  });

  it('gives the heading in force; an unknown heading then is absent, not an older one', async () => {
    const [a, b] = [await h.camera(), await h.camera()];
    await h.addHeading(a, [
      { at: T, headingDeg: 90 },
      { at: T + 10 * MIN, headingDeg: 135.5 },
      { at: T + 20 * MIN, headingDeg: null },
    ]);
    expect((await h.history.headingAt([a, b], at(-1))).size).toBe(0);
    expect((await h.history.headingAt([a, b], at(10))).get(a)).toBe(135.5);
    expect((await h.history.headingAt([a, b], at(10))).has(b)).toBe(false);
    expect((await h.history.headingAt([a], at(30))).has(a)).toBe(false);
  });

  it('reads status and heading in force together, as the search does', async () => {
    const [a, b] = [await h.camera(), await h.camera()];
    await h.addStatus(a, [{ at: T, status: 'online' }]);
    await h.addHeading(b, [{ at: T, headingDeg: 200 }]);
    const got = await h.history.historyAt([a, b], at(5));
    expect([...got.status]).toEqual([[a, { status: 'online', reason: null }]]);
    expect([...got.heading]).toEqual([[b, 200]]);
  });

  it('lists the changes over a window, per camera and in order; the end is excluded unless asked for', async () => {
    const [a, b, quiet] = [await h.camera(), await h.camera(), await h.camera()];
    await h.addStatus(a, [
      { at: T, status: 'online', source: 'onvif' },
      { at: T + 10 * MIN, status: 'offline', reason: 'offline: refused', source: 'onvif' },
      { at: T + 20 * MIN, status: 'online', source: 'mqtt' },
    ]);
    await h.addStatus(b, [{ at: T + 15 * MIN, status: 'maintenance', source: 'manual' }]);
    const open = await h.history.statusChanges([a, b, quiet], { from: at(0), to: at(20) });
    expect(open.get(a)).toEqual([
      { at: at(0), status: 'online', source: 'onvif', reason: null },
      { at: at(10), status: 'offline', source: 'onvif', reason: 'offline: refused' },
    ]);
    expect(open.get(b)).toEqual([{ at: at(15), status: 'maintenance', source: 'manual', reason: null }]);
    expect(open.has(quiet)).toBe(false);
    const through = await h.history.statusChanges([a], { from: at(10), to: at(20), through: true });
    expect(through.get(a)?.map((c) => c.status)).toEqual(['offline', 'online']);
    const capped = await h.history.statusChanges([a, b], { from: at(0), to: at(60), limit: 2 });
    expect([...capped].map(([id, list]) => [id, list.length])).toEqual([[a, 2]]); // a was created first: the lower id, read first
  });

  it('gives a camera status over a window: what was in force as it opened, then its changes', async () => {
    const [a, none] = [await h.camera(), await h.camera()];
    await h.addStatus(a, [
      { at: T, status: 'online' },
      { at: T + 10 * MIN, status: 'offline' },
      { at: T + 30 * MIN, status: 'online' },
    ]);
    const over = await h.history.statusOver([a, none], { from: at(10), to: at(30) });
    expect(over.get(a)?.initial).toBe('online');
    expect(over.get(a)?.changes.map((c) => c.status)).toEqual(['offline']);
    expect(over.get(none)).toEqual({ initial: 'unknown', changes: [] });
  });

  it("lists a camera's turns over a window with their positions", async () => {
    const a = await h.camera();
    await h.addHeading(a, [
      { at: T, headingDeg: 10, pan: -0.5, tilt: 0.1, zoom: 0, source: 'onvif' },
      { at: T + 5 * MIN, headingDeg: null, source: 'mqtt' },
      { at: T + 9 * MIN, headingDeg: 20 },
    ]);
    expect(await h.history.headingChanges(a, { from: at(0), to: at(5), through: true })).toEqual([
      { at: at(0), headingDeg: 10, pan: -0.5, tilt: 0.1, zoom: 0, source: 'onvif' },
      { at: at(5), headingDeg: null, pan: null, tilt: null, zoom: null, source: 'mqtt' },
    ]);
    expect((await h.history.headingChanges(a, { from: at(0), to: at(9) })).length).toBe(2);
    expect((await h.history.headingChanges(a, { from: at(0), to: at(60), limit: 1 })).map((c) => c.headingDeg)).toEqual([10]);
  });
}
