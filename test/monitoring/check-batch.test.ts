/**
 * ONVIF check results are written in batches (CameraStateService.applyCheck). Many
 * checks applied at once, several of them on the same camera, must end in exactly the
 * state, history, schedule and events that applying them one by one gives; a batch
 * that fails writes nothing and fails every check in it.
 */
import { EventBus } from '../../src/common/event-bus';
import { ManualClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/config';
import { Registry } from 'prom-client';
import { CameraStateRepository } from '../../src/monitoring/camera-state.repository';
import { AppliedCheck, CameraStateService, CheckApplication } from '../../src/monitoring/camera-state.service';
import { ListeningWindow } from '../../src/monitoring/listening-window';
import { MonitoringMetrics } from '../../src/monitoring/monitoring.metrics';
import type { ProbeResult } from '../../src/monitoring/onvif/onvif.types';
import { ProbeScheduler } from '../../src/monitoring/probe.scheduler';
import { openTestDatabase, TestDatabase } from '../support/database';

const CAMERAS = 10;
const ROUNDS = 10;
const T0 = Date.parse('2026-03-01T08:00:00Z');

let db: TestDatabase;
let clock: ManualClock;
let bus: EventBus;
let service: CameraStateService;
const events: { name: string; cameraId: number; detail: string }[] = [];
/** Camera ids of the two fleets: A is applied one check at a time, B all at once. */
let fleetA: number[];
let fleetB: number[];

beforeAll(async () => {
  db = await openTestDatabase();
  const codes = (prefix: string) => Array.from({ length: CAMERAS }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
  for (const prefix of ['BA', 'BB']) {
    await db.dataSource.query(
      `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m, ptz, onvif_url)
       SELECT code, 'business', 'X', 10.5, 106.4, 90, 90, 50, n % 2 = 0, 'http://127.0.0.1:9/onvif/' || code || '/device_service'
       FROM unnest($1::text[]) WITH ORDINALITY AS v(code, n) ORDER BY n`,
      [codes(prefix)],
    );
  }
  await db.dataSource.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera`);
  await db.dataSource.query(`INSERT INTO probe_schedule (camera_id, next_at, interval_s, lease_owner, lease_until) SELECT id, $1, 60, 'me', $1 FROM camera`, [
    new Date(T0),
  ]);
  const ids = async (prefix: string) =>
    (await db.dataSource.query(`SELECT id FROM camera WHERE code LIKE $1 ORDER BY code`, [`${prefix}-%`])).map((r: { id: number }) => r.id);
  fleetA = await ids('BA');
  fleetB = await ids('BB');
  clock = new ManualClock(T0);
  bus = new EventBus();
  bus.on('status.changed', (e) => events.push({ name: 'status', cameraId: e.id, detail: `${e.previous}>${e.status} ${e.reason}` }));
  bus.on('alert.action', (e) => events.push({ name: 'alert', cameraId: idOfSubject(e.subject), detail: `${e.action} ${e.kind}` }));
  bus.on('heading.changed', (e) => events.push({ name: 'heading', cameraId: e.cameraId, detail: String(e.headingDeg) }));
  const config = loadConfig({ DATABASE_URL: db.engine === 'postgres' ? db.url : undefined, CAMNET_SECRET_KEY: 'ab'.repeat(32) });
  service = new CameraStateService(
    new CameraStateRepository(db.dataSource),
    bus,
    clock,
    config,
    new ListeningWindow(config),
    new MonitoringMetrics(new Registry()),
  );
}, 60_000);

afterAll(async () => {
  await service?.onModuleDestroy();
  await db?.close();
});

const codeById = new Map<number, string>();
function idOfSubject(subject: string): number {
  const code = subject.replace(/^camera:/, '');
  for (const [id, c] of codeById) if (c === code) return id;
  return -1;
}

/** Round r's result for camera i: a mix of ok, unreachable, auth failures, clock drift and turns. */
function resultFor(r: number, i: number): ProbeResult {
  // Each kind twice in a row, so that the two agreeing checks a transition needs happen.
  const kind = (r < 2 ? 0 : (i + Math.floor(r / 2)) % 5) as 0 | 1 | 2 | 3 | 4;
  const ptz = i % 2 === 0;
  const base: ProbeResult = {
    ok: true,
    reachable: true,
    error: null,
    clockOffsetS: 0.2,
    ptz: ptz ? { pan: 0, tilt: 0, zoom: 0 } : null,
    headingDeg: ptz ? 90 + r : null,
    device: r === 0 ? { manufacturer: 'Sim', model: 'M', firmware: '2.4', serial: `S${i}`, hardwareId: 'H' } : null,
    latencyMs: 5,
    warnings: [],
  };
  switch (kind) {
    case 1:
      return {
        ...base,
        ok: false,
        reachable: false,
        error: { kind: 'timeout', message: 'no reply' },
        clockOffsetS: null,
        ptz: null,
        headingDeg: null,
        device: null,
      };
    case 2:
      return { ...base, ok: false, error: { kind: 'auth', message: 'refused' } };
    case 3:
      return { ...base, clockOffsetS: 900 };
    case 4:
      return ptz ? { ...base, ptz: { pan: 0.5, tilt: 0, zoom: 0 }, headingDeg: 180 } : base;
    default:
      return base;
  }
}

function optsFor(r: number, i: number): CheckApplication {
  return {
    source: 'onvif',
    inMaintenance: false,
    // Camera 3 is leased by another replica: its lease must stay.
    schedule: { nextAt: new Date(T0 + (r + 1) * 60_000 + i), failures: r % 3, leaseOwner: i === 3 ? 'other' : 'me' },
  };
}

async function snapshot(ids: number[]) {
  const state = await db.dataSource.query(
    `SELECT camera_id, status, since, reason, pending_status, pending_count, last_check_at, last_ok_at, last_seen_at, last_error,
            clock_offset_s, heading_deg, ptz, device
     FROM camera_state WHERE camera_id = ANY($1) ORDER BY camera_id`,
    [ids],
  );
  const schedule = await db.dataSource.query(
    `SELECT camera_id, next_at, failures, lease_owner, lease_until, last_ok_at, last_error FROM probe_schedule WHERE camera_id = ANY($1) ORDER BY camera_id`,
    [ids],
  );
  const statusEvents = await db.dataSource.query(
    `SELECT subject_id, at, status, source, reason FROM status_event WHERE subject = 'camera' AND subject_id = ANY($1) ORDER BY id`,
    [ids],
  );
  const orientation = await db.dataSource.query(
    `SELECT camera_id, at, heading_deg, pan, tilt, zoom, source FROM orientation_event WHERE camera_id = ANY($1) ORDER BY id`,
    [ids],
  );
  return { state, schedule, statusEvents, orientation };
}

/** Replaces each fleet's camera ids by their index, so that the two fleets compare. */
function byIndex<T extends Record<string, unknown>>(rows: T[], ids: number[], key: string): T[] {
  return rows.map((r) => ({ ...r, [key]: ids.indexOf(r[key] as number) }));
}

function normalise(s: Awaited<ReturnType<typeof snapshot>>, ids: number[]) {
  return {
    state: byIndex(s.state, ids, 'camera_id'),
    schedule: byIndex(s.schedule, ids, 'camera_id'),
    // Per camera in order (the two fleets' events interleave differently across cameras).
    statusEvents: ids.map((_, i) => byIndex(s.statusEvents, ids, 'subject_id').filter((e) => e.subject_id === i)),
    orientation: ids.map((_, i) => byIndex(s.orientation, ids, 'camera_id').filter((e) => e.camera_id === i)),
  };
}

describe('batched check application', () => {
  it('gives the same state, history, schedule, answers and events as one check at a time, duplicates in order', async () => {
    for (const r of await db.dataSource.query(`SELECT id, code FROM camera`)) codeById.set(r.id, r.code);
    const sequential: AppliedCheck[][] = fleetA.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < CAMERAS; i++) sequential[i].push(await service.applyCheck(fleetA[i], resultFor(r, i), optsFor(r, i)));
    }
    const eventsA = events.splice(0);

    const transaction = jest.spyOn(db.dataSource, 'transaction');
    // Every round of every camera at once: each camera has ROUNDS checks in the queue.
    const pending: Promise<AppliedCheck>[][] = fleetB.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < CAMERAS; i++) pending[i].push(service.applyCheck(fleetB[i], resultFor(r, i), optsFor(r, i)));
    }
    const concurrent = await Promise.all(pending.map((p) => Promise.all(p)));
    // One transaction per round: a camera appears once per batch, so its checks take ROUNDS batches.
    expect(transaction).toHaveBeenCalledTimes(ROUNDS);
    transaction.mockRestore();
    const eventsB = events.splice(0);

    expect(concurrent).toEqual(sequential);
    const a = normalise(await snapshot(fleetA), fleetA);
    const b = normalise(await snapshot(fleetB), fleetB);
    expect(b).toEqual(a);
    // The script must reach transitions, alerts and heading changes, or this test proves little.
    expect(a.statusEvents.flat().map((e) => e.status)).toEqual(expect.arrayContaining(['online', 'offline', 'degraded']));
    expect(a.orientation.flat().length).toBeGreaterThan(0);
    expect(a.schedule[3]).toMatchObject({ lease_owner: 'me' });
    expect(a.schedule[0]).toMatchObject({ lease_owner: null, lease_until: null });
    const perCamera = (evs: typeof events, ids: number[]) => ids.map((id) => evs.filter((e) => e.cameraId === id).map((e) => `${e.name} ${e.detail}`));
    expect(perCamera(eventsB, fleetB)).toEqual(perCamera(eventsA, fleetA));
    expect(eventsA.some((e) => e.name === 'alert')).toBe(true);
  });

  it('rejects only the check of a camera that does not exist', async () => {
    const ok = service.applyCheck(fleetA[0], resultFor(0, 0), { source: 'manual', inMaintenance: false });
    const missing = service.applyCheck(999_999, resultFor(0, 0), { source: 'manual', inMaintenance: false });
    await expect(missing).rejects.toThrow('no camera with id 999999');
    await expect(ok).resolves.toMatchObject({ status: expect.any(String) });
  });

  it('a batch that fails writes nothing, fails every check in it, and the next batch works', async () => {
    const ids = fleetB.slice(0, 4);
    const up: ProbeResult = { ...resultFor(0, 0), device: null };
    const down: ProbeResult = {
      ...up,
      ok: false,
      reachable: false,
      error: { kind: 'refused', message: 'refused' },
      clockOffsetS: null,
      ptz: null,
      headingDeg: null,
    };
    const apply = (result: ProbeResult) => Promise.all(ids.map((id) => service.applyCheck(id, result, { source: 'onvif', inMaintenance: false })));
    clock.advance(60_000);
    await apply(down);
    await apply(down);
    expect((await apply(up)).map((a) => a.status)).toEqual(ids.map(() => 'offline'));
    const before = await snapshot(ids);
    events.length = 0;
    clock.advance(60_000);
    // The second agreeing check moves each camera online; the last one's transition carries a
    // source the database refuses (status_event's CHECK), after the batch already updated
    // camera_state and probe_schedule.
    const batch = ids.map((id, i) =>
      service.applyCheck(id, up, {
        source: (i === ids.length - 1 ? 'bogus' : 'onvif') as CheckApplication['source'],
        inMaintenance: false,
        schedule: { nextAt: new Date(clock.now().getTime() + 60_000), failures: 0, leaseOwner: null },
      }),
    );
    const outcomes = await Promise.allSettled(batch);
    expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'rejected'));
    expect(await snapshot(ids)).toEqual(before);
    expect(events).toEqual([]);
    const after = await apply(up);
    expect(after.map((a) => a.status)).toEqual(ids.map(() => 'online'));
    expect(events.filter((e) => e.name === 'status').map((e) => e.detail)).toEqual(ids.map(() => 'offline>online check ok'));
  });
});

describe('housekeeping without autovacuum (embedded database)', () => {
  it('analyses the database, then vacuums the two tables every check rewrites, outside any transaction', async () => {
    const config = loadConfig({ DATABASE_URL: db.engine === 'postgres' ? db.url : undefined, CAMNET_SECRET_KEY: 'ab'.repeat(32) });
    const runtime = { instanceId: 'vacuum-test' };
    const none = {} as never;
    const scheduler = new ProbeScheduler(db.dataSource, none, service, none, none, none, config, runtime as never, clock, none, {});
    const stats = async () =>
      Object.fromEntries(
        (
          await db.dataSource.query(
            `SELECT relname, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables
             WHERE relname IN ('probe_schedule', 'camera_state', 'camera') ORDER BY relname`,
          )
        ).map((r: { relname: string; vacuumed: boolean; analysed: boolean }) => [r.relname, { vacuumed: r.vacuumed, analysed: r.analysed }]),
      );
    await scheduler.vacuum(true);
    expect(await stats()).toEqual({
      camera: { vacuumed: false, analysed: true },
      camera_state: { vacuumed: false, analysed: true },
      probe_schedule: { vacuumed: false, analysed: true },
    });
    await scheduler.vacuum(false);
    expect(await stats()).toEqual({
      camera: { vacuumed: false, analysed: true },
      camera_state: { vacuumed: true, analysed: true },
      probe_schedule: { vacuumed: true, analysed: true },
    });
  });
});
