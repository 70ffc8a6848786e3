/**
 * What any StatusHistory must answer, run against StatusHistoryRepository on a
 * real database (test/monitoring/status-history.repository.test.ts) and against
 * the in-memory fake the service tests use (test/support/fakes/), so a service
 * test on the fake says what it would say on PostgreSQL.
 */
import type { Status } from '../../src/domain/status';
import type { HeadingChange, StatusChange, StatusHistory } from '../../src/monitoring/status-history.repository';
import { NOT_WATCHING } from '../../src/monitoring/unwatched';

/** One run of camnet with monitoring on: watching over [from, to); `to` null still running; `crashed`: `to` is its last sign of life. */
export interface WatchRun {
  from: number;
  to: number | null;
  crashed?: boolean;
}

export interface HistoryHarness {
  history: StatusHistory;
  /** A new camera with no history. */
  camera(): Promise<number>;
  /** Records transitions in the given order (later ones win a tie at one time). */
  addStatus(cameraId: number, events: Array<{ at: number; status: Status; reason?: string | null; source?: StatusChange['source'] }>): Promise<void>;
  addHeading(
    cameraId: number,
    events: Array<{ at: number; headingDeg: number | null } & Partial<Pick<HeadingChange, 'pan' | 'tilt' | 'zoom' | 'source'>>>,
  ): Promise<void>;
  /** Replaces the record of when camnet was watching (none: read as before sessions were kept). */
  setWatches(runs: WatchRun[]): Promise<void>;
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

  describe('while camnet was not watching', () => {
    // camnet ran 08:00–09:00 (clean stop), was stopped until 11:00, ran again from 11:00 (a replica that
    // crashed at 11:40 and one that started at 11:30 and still runs).
    const runs: WatchRun[] = [
      { from: T, to: T + 60 * MIN },
      { from: T + 180 * MIN, to: T + 220 * MIN, crashed: true },
      { from: T + 210 * MIN, to: null },
    ];
    const unwatched = { status: 'unknown', reason: NOT_WATCHING };
    afterEach(() => h.setWatches([]));

    it('gives every camera unknown, reason camnet_not_watching, inside a gap; the last status again once watching', async () => {
      const [a, none] = [await h.camera(), await h.camera()];
      await h.addStatus(a, [
        { at: T + 10 * MIN, status: 'online' },
        { at: T + 200 * MIN, status: 'offline', reason: 'offline: timeout' },
      ]);
      await h.addHeading(a, [{ at: T + 10 * MIN, headingDeg: 45 }]);
      await h.setWatches(runs);
      expect((await h.history.statusAt([a], at(59))).get(a)).toEqual({ status: 'online', reason: null });
      expect(await h.history.statusAt([a, none], at(60))).toEqual(
        new Map([
          [a, unwatched],
          [none, unwatched],
        ]),
      );
      expect((await h.history.statusAt([a], at(179))).get(a)).toEqual(unwatched);
      expect((await h.history.statusAt([a], at(180))).get(a)).toEqual({ status: 'online', reason: null });
      expect((await h.history.statusBefore([a], at(180))).get(a)).toEqual(unwatched);
      expect((await h.history.statusBefore([a], at(60))).get(a)).toEqual({ status: 'online', reason: null });
      const both = await h.history.historyAt([a], at(120));
      expect(both.status.get(a)).toEqual(unwatched);
      expect(both.heading.get(a)).toBe(45); // the last recorded heading: its geometry is still reported
      // Two replicas: the crashed one's time after its last sign of life is covered by the other.
      expect((await h.history.statusAt([a], at(230))).get(a)?.status).toBe('offline');
      expect((await h.history.statusAt([a], at(600))).get(a)?.status).toBe('offline'); // the running replica
    });

    it('reads history before the first session as it was', async () => {
      const a = await h.camera();
      await h.addStatus(a, [{ at: T - 600 * MIN, status: 'online' }]);
      await h.setWatches(runs);
      expect((await h.history.statusAt([a], at(-300))).get(a)?.status).toBe('online');
      expect((await h.history.statusBefore([a], at(0))).get(a)?.status).toBe('online');
      expect((await h.history.statusOver([a], { from: at(-300), to: at(30) })).get(a)).toEqual({ initial: 'online', changes: [] });
    });

    it('opens and closes each gap in the changes over a window; a change recorded inside a gap counts only after it', async () => {
      const a = await h.camera();
      await h.addStatus(a, [
        { at: T + 10 * MIN, status: 'online' },
        { at: T + 120 * MIN, status: 'degraded', reason: 'clock_drift', source: 'manual' },
        { at: T + 190 * MIN, status: 'offline', reason: 'offline: refused' },
      ]);
      await h.setWatches(runs);
      const over = await h.history.statusOver([a], { from: at(30), to: at(240) });
      expect(over.get(a)).toEqual({
        initial: 'online',
        changes: [
          { at: at(60), status: 'unknown', source: 'system', reason: NOT_WATCHING },
          { at: at(180), status: 'degraded', source: 'system', reason: 'clock_drift' },
          { at: at(190), status: 'offline', source: 'onvif', reason: 'offline: refused' },
        ],
      });
      // A window opening inside the gap starts unknown; one opening at its end starts unknown and is closed at once.
      expect((await h.history.statusOver([a], { from: at(100), to: at(185) })).get(a)?.initial).toBe('unknown');
      const atEnd = (await h.history.statusOver([a], { from: at(180), to: at(185) })).get(a);
      expect(atEnd).toEqual({ initial: 'unknown', changes: [{ at: at(180), status: 'degraded', source: 'system', reason: 'clock_drift' }] });
      // statusChanges gives the same, and gap rows for a camera with no change of its own.
      const quiet = await h.camera();
      const changes = await h.history.statusChanges([a, quiet], { from: at(30), to: at(240) });
      expect(changes.get(a)).toEqual(over.get(a)?.changes);
      expect(changes.get(quiet)?.map((c) => [c.at, c.status])).toEqual([
        [at(60), 'unknown'],
        [at(180), 'unknown'],
      ]);
    });

    it('says when camnet was not watching, the gaps unclipped; not watching since the last stop when nothing runs', async () => {
      await h.setWatches(runs);
      expect(await h.history.unwatched(at(100), at(120))).toEqual([{ from: T + 60 * MIN, to: T + 180 * MIN }]);
      expect(await h.history.unwatched(at(0), at(10))).toEqual([]);
      expect(await h.history.unwatched(at(200), at(900))).toEqual([]);
      await h.setWatches([
        { from: T, to: T + 60 * MIN },
        { from: T + 90 * MIN, to: T + 100 * MIN, crashed: true },
      ]);
      expect(await h.history.unwatched(at(0), at(900))).toEqual([
        { from: T + 60 * MIN, to: T + 90 * MIN },
        { from: T + 100 * MIN, to: null },
      ]);
    });
  });
}
