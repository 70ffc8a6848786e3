/**
 * StatusHistoryRepository on a real database (PostgreSQL, or PGlite under
 * CAMNET_TEST_DB=pglite): the StatusHistory contract, then a randomised history of
 * hundreds of cameras read at many times and windows, answer for answer the same
 * as the in-memory fake the service tests use. Events go in through
 * CameraStateRepository, the one writer of these tables.
 */
import { ManualClock } from '../../src/common/clock';
import type { Status } from '../../src/domain/status';
import { MonitorSessionRepository } from '../../src/monitoring/monitor-session.repository';
import { WatchedTime } from '../../src/monitoring/watched-time';
import { CameraStateRepository, OrientationEventRow, StatusEventRow } from '../../src/monitoring/camera-state.repository';
import { HistoryWindow, StatusHistoryRepository } from '../../src/monitoring/status-history.repository';
import { openTestDatabase, TestDatabase } from '../support/database';
import { InMemoryStatusHistory } from '../support/fakes/status-history.fake';
import { statusHistoryContract, WatchRun } from '../support/status-history.contract';
import { mulberry32 as prng } from '../../src/geo/prng';

let db: TestDatabase;
let writer: CameraStateRepository;
let repo: StatusHistoryRepository;
let sessions: MonitorSessionRepository;
/** "Now" for the sessions' liveness: after every time the tests read. */
const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
let cameras = 0;

async function newCameras(n: number): Promise<number[]> {
  const rows: { id: number }[] = await db.dataSource.query(
    `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m)
     SELECT 'H-' || g, 'station', '27685', 10.6, 106.4, 0, 90, 100 FROM generate_series($1::int, $2::int) AS g RETURNING id`,
    [cameras + 1, cameras + n],
  );
  cameras += n;
  return rows.map((r) => r.id);
}

const writeStatuses = (rows: StatusEventRow[]) => writer.transaction((m) => writer.insertStatusEvents(m, rows));
const writeHeadings = (rows: OrientationEventRow[]) => writer.transaction((m) => writer.insertOrientationEvents(m, rows));

/** Replaces monitor_session through the repository the replicas write with: a running run alive now, a crashed one alive last at its end. */
async function setWatches(runs: WatchRun[]): Promise<void> {
  await db.dataSource.query(`DELETE FROM monitor_session`);
  for (const r of runs) {
    const id = await sessions.open(`replica-${r.from}`, new Date(r.from));
    if (r.to === null) await sessions.alive(id, clock.now());
    else if (r.crashed) await sessions.alive(id, new Date(r.to));
    else await sessions.close(id, new Date(r.to));
  }
}

beforeAll(async () => {
  db = await openTestDatabase();
  writer = new CameraStateRepository(db.dataSource);
  sessions = new MonitorSessionRepository(db.dataSource);
  repo = new StatusHistoryRepository(db.dataSource, new WatchedTime(sessions, clock));
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('StatusHistoryRepository: the contract', () => {
  statusHistoryContract(() => ({
    history: repo,
    camera: async () => (await newCameras(1))[0],
    addStatus: (id, events) =>
      writeStatuses(
        events.map(
          (e) => ({ subject: 'camera', id, at: new Date(e.at), status: e.status, source: e.source ?? 'onvif', reason: e.reason ?? null }) as StatusEventRow,
        ),
      ),
    addHeading: (id, events) =>
      writeHeadings(
        events.map((e) => ({
          id,
          at: new Date(e.at),
          heading: e.headingDeg,
          pan: e.pan ?? null,
          tilt: e.tilt ?? null,
          zoom: e.zoom ?? null,
          source: (e.source ?? 'onvif') as OrientationEventRow['source'],
        })),
      ),
    setWatches,
  }));
});

describe('StatusHistoryRepository against the in-memory fake', () => {
  const DAY0 = Date.parse('2025-04-01T00:00:00Z');
  const SPAN = 2 * 86_400_000;
  const STATUSES: Status[] = ['online', 'offline', 'degraded', 'maintenance', 'unknown'];
  const fake = new InMemoryStatusHistory();
  let ids: number[] = [];
  /** Every event's time: some reads fall exactly on one, where at-or-before and before differ. */
  const eventTimes: number[] = [];
  const rnd = prng(20251201);
  /** Whole seconds, and some events on the same second (ties), as the writers produce. */
  const time = () => DAY0 + Math.floor(rnd() * (SPAN / 1000)) * 1000;

  beforeAll(async () => {
    ids = await newCameras(300);
    const statuses: StatusEventRow[] = [];
    const headings: OrientationEventRow[] = [];
    for (const id of ids) {
      const n = Math.floor(rnd() * 12); // some cameras have no history at all
      const times = Array.from({ length: n }, time).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i += 4) times[i] = times[i - 1]; // ties at one time
      for (const at of times) {
        const status = STATUSES[Math.floor(rnd() * STATUSES.length)];
        const reason = status === 'degraded' ? (rnd() < 0.5 ? 'clock_drift' : 'turned') : null;
        statuses.push({ subject: 'camera', id, at: new Date(at), status, source: 'onvif', reason } as StatusEventRow);
        fake.addStatus(id, at, status, { reason, source: 'onvif' });
        eventTimes.push(at);
      }
      for (let k = Math.floor(rnd() * 4); k > 0; k--) {
        const at = time();
        const heading = rnd() < 0.2 ? null : Math.round(rnd() * 3600) / 10;
        headings.push({ id, at: new Date(at), heading, pan: null, tilt: null, zoom: null, source: 'onvif' });
        eventTimes.push(at);
      }
    }
    // Stations' events share the table and must never be read as a camera's.
    for (const id of ids.slice(0, 50))
      statuses.push({ subject: 'station', id, at: new Date(DAY0 + 1000), status: 'offline', source: 'mqtt', reason: 'will' } as StatusEventRow);
    headings.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const h of headings) fake.addHeading(h.id, h.at, h.heading, { source: 'onvif' });
    await writeStatuses(statuses);
    await writeHeadings(headings);
  }, 120_000);

  it('agrees on the status and heading in force at 40 times, for all 300 cameras in one query each', async () => {
    let found = 0;
    for (let i = 0; i < 40; i++) {
      const at = new Date(i % 2 === 0 ? eventTimes[Math.floor(rnd() * eventTimes.length)] : time() + Math.floor(rnd() * 1000));
      const got = await repo.historyAt(ids, at);
      expect(got).toEqual(await fake.historyAt(ids, at));
      expect(await repo.statusAt(ids, at)).toEqual(got.status);
      expect(await repo.headingAt(ids, at)).toEqual(got.heading);
      expect(await repo.statusBefore(ids, at)).toEqual(await fake.statusBefore(ids, at));
      found += got.status.size + got.heading.size;
    }
    expect(found).toBeGreaterThan(40 * 50); // the times fall inside the histories, not before them
  });

  it('agrees on the changes and status over 20 windows', async () => {
    let changes = 0;
    for (let i = 0; i < 20; i++) {
      // Windows that open and close on event times, and others between them.
      const pick = () => (i % 3 === 0 ? time() : eventTimes[Math.floor(rnd() * eventTimes.length)]);
      const [a, b] = [pick(), pick()].sort((x, y) => x - y);
      const w: HistoryWindow = { from: new Date(a), to: new Date(b + 1000 * (i % 4 === 1 ? 0 : 1)), through: i % 2 === 0 };
      const over = await repo.statusOver(ids, w);
      expect(over).toEqual(await fake.statusOver(ids, w));
      const id = ids[i * 7];
      expect(await repo.headingChanges(id, w)).toEqual(await fake.headingChanges(id, w));
      for (const o of over.values()) changes += o.changes.length;
    }
    expect(changes).toBeGreaterThan(100);
  });
});

describe('StatusHistoryRepository against the in-memory fake, with camnet stopped now and then', () => {
  // A fresh set of cameras and a random record of sessions: restarts, overlapping replicas, crashes, a
  // replica running now. The repository reads only the sessions around each window; the fake reads all.
  const DAY0 = Date.parse('2025-05-01T00:00:00Z');
  const SPAN = 86_400_000;
  const fake = new InMemoryStatusHistory();
  const rnd = prng(20251224);
  const time = () => DAY0 + Math.floor(rnd() * (SPAN / 1000)) * 1000;
  let ids: number[] = [];
  const boundaries: number[] = [];

  beforeAll(async () => {
    ids = await newCameras(60);
    const rows: StatusEventRow[] = [];
    for (const id of ids) {
      const times = Array.from({ length: Math.floor(rnd() * 15) }, time).sort((a, b) => a - b);
      for (const at of times) {
        const status = (['online', 'offline', 'degraded'] as Status[])[Math.floor(rnd() * 3)];
        rows.push({ subject: 'camera', id, at: new Date(at), status, source: 'onvif', reason: null } as unknown as StatusEventRow);
        fake.addStatus(id, at, status, { source: 'onvif' });
      }
    }
    await writeStatuses(rows);
    const runs: WatchRun[] = [];
    for (let start = DAY0 + 3_600_000; start < DAY0 + SPAN;) {
      const length = Math.floor(rnd() * 4 * 3_600_000) + 60_000;
      runs.push({ from: start, to: start + length, crashed: rnd() < 0.3 });
      if (rnd() < 0.3) runs.push({ from: start + Math.floor(length / 2), to: start + length + 1_800_000, crashed: rnd() < 0.5 }); // a second replica
      start += length + Math.floor(rnd() * 2 * 3_600_000);
    }
    runs.push({ from: DAY0 + SPAN, to: null });
    await setWatches(runs);
    for (const r of runs) fake.addWatch(r.from, r.to);
    for (const r of runs) boundaries.push(r.from, ...(r.to === null ? [] : [r.to]));
  }, 120_000);

  afterAll(() => setWatches([]));

  it('agrees on the gaps, the status in force and the status over windows', async () => {
    const probe = () => (rnd() < 0.4 ? boundaries[Math.floor(rnd() * boundaries.length)] + [-1000, 0, 1000][Math.floor(rnd() * 3)] : time());
    let unknownReads = 0;
    for (let i = 0; i < 40; i++) {
      const at = new Date(probe());
      const got = await repo.historyAt(ids, at);
      expect(got).toEqual(await fake.historyAt(ids, at));
      expect(await repo.statusBefore(ids, at)).toEqual(await fake.statusBefore(ids, at));
      if ([...got.status.values()].some((s) => s.reason === 'camnet_not_watching')) unknownReads++;
      const [a, b] = [probe(), probe()].sort((x, y) => x - y);
      const w: HistoryWindow = { from: new Date(a), to: new Date(b + 1000), through: i % 2 === 0 };
      expect(await repo.unwatched(w.from, w.to)).toEqual(await fake.unwatched(w.from, w.to));
      expect(await repo.statusOver(ids, w)).toEqual(await fake.statusOver(ids, w));
      expect(await repo.statusChanges(ids, w)).toEqual(await fake.statusChanges(ids, w));
    }
    expect(unknownReads).toBeGreaterThan(3); // some reads fall in gaps
    expect(unknownReads).toBeLessThan(37); // and some do not
  });
});
