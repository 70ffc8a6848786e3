/**
 * What any CameraStateStore must answer, run against CameraStateRepository on a real
 * database (test/monitoring/camera-state.repository.test.ts, PostgreSQL and PGlite)
 * and against the in-memory fake CameraStateService's spec uses (test/support/fakes/),
 * so a decision tested on the fake is one the service makes on PostgreSQL.
 *
 * The cases share one store: each makes its own stations and cameras, and questions
 * asked across all of them (stationStatuses, onlineStationsNotSeenSince) are read
 * for the case's own ids only.
 */
import type { ViewIssue } from '../../src/domain/alert';
import type { Status } from '../../src/domain/status';
import type { CameraStateStore, StatusEventRow, OrientationEventRow } from '../../src/monitoring/camera-state.repository';

/** A camera_state row as the harness reads it back (JSON columns parsed). */
export interface StoredCameraState {
  status: Status;
  since: Date | null;
  reason: string | null;
  pending_status: Status | null;
  pending_count: number;
  last_check_at: Date | null;
  last_ok_at: Date | null;
  last_seen_at: Date | null;
  last_error: unknown;
  clock_offset_s: number | null;
  heading_deg: number | null;
  ptz: unknown;
  device: unknown;
  view_issue: ViewIssue | null;
}

export interface StoredStationState {
  status: Status;
  since: Date | null;
  last_seen_at: Date | null;
  power: string | null;
  temp_c: number | null;
}

export interface StoredSchedule {
  next_at: Date;
  failures: number;
  lease_owner: string | null;
  last_ok_at: Date | null;
  last_error: unknown;
}

export interface CameraStateHarness<Tx> {
  store: CameraStateStore<Tx>;
  /** A station of the inventory, with no state row yet. Answers its id. */
  station(code: string): Promise<number>;
  /** A camera of the inventory (registered heading), with no state row yet. Answers its id. */
  camera(c: { code: string; stationId: number | null; headingDeg: number }): Promise<number>;
  /** A check schedule row for a camera, optionally leased. */
  schedule(cameraId: number, nextAt: Date, leaseOwner?: string | null): Promise<void>;
  cameraState(cameraId: number): Promise<StoredCameraState | null>;
  stationState(stationId: number): Promise<StoredStationState | null>;
  scheduleOf(cameraId: number): Promise<StoredSchedule | null>;
  /** A subject's status events, in the order they were inserted. */
  statusEvents(subject: 'camera' | 'station', id: number): Promise<StatusEventRow[]>;
  orientationEvents(cameraId: number): Promise<OrientationEventRow[]>;
}

const T0 = Date.parse('2026-12-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

export function cameraStateStoreContract<Tx>(harness: () => CameraStateHarness<Tx>): void {
  let h: CameraStateHarness<Tx>;
  let n = 0;
  const code = (prefix: string) => `${prefix}-${++n}`;
  beforeAll(() => {
    h = harness();
  });

  it('locks cameras with their inventory and station, creating missing state rows; unknown ids are absent', async () => {
    const [stCode, loneCode, aCode, bCode] = [code('CS'), code('CS'), code('CC'), code('CC')];
    const st = await h.station(stCode);
    const lone = await h.station(loneCode);
    const a = await h.camera({ code: aCode, stationId: st, headingDeg: 90 });
    const b = await h.camera({ code: bCode, stationId: null, headingDeg: 180 });
    const c = await h.camera({ code: code('CC'), stationId: lone, headingDeg: 0 });
    await h.store.transaction((tx) => h.store.lockStation(tx, st));
    const rows = await h.store.transaction((tx) => h.store.lockCameras(tx, [b, a, 999_999, a, c]));
    expect([...rows.keys()].sort((x, y) => x - y)).toEqual([a, b, c]);
    const fresh = { status: 'unknown', since: null, reason: null, pending_status: null, pending_count: 0, heading_deg: null, view_issue: null };
    expect(rows.get(a)).toEqual({ camera_id: a, ...fresh, code: aCode, registered_deg: 90, station_id: st, station_code: stCode, station_status: 'unknown' });
    expect(rows.get(b)).toEqual({ camera_id: b, ...fresh, code: bCode, registered_deg: 180, station_id: null, station_code: null, station_status: null });
    // A station with no state row yet: no station status.
    expect(rows.get(c)?.station_status).toBeNull();
    expect(await h.cameraState(a)).toMatchObject({ status: 'unknown', pending_count: 0 });
    expect(await h.store.transaction((tx) => h.store.lockCameras(tx, []))).toEqual(new Map());
  });

  it('locks a station (creating its state row), lists its cameras in id order; null for a station that does not exist', async () => {
    const stCode = code('CS');
    const st = await h.station(stCode);
    const ids = [await h.camera({ code: code('CC'), stationId: st, headingDeg: 0 }), await h.camera({ code: code('CC'), stationId: st, headingDeg: 0 })];
    await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 });
    await h.store.transaction(async (tx) => {
      expect(await h.store.stationCameraIds(tx, st)).toEqual(ids);
      expect(await h.store.lockStation(tx, st)).toEqual({ status: 'unknown', code: stCode, since: null, last_seen_at: null });
      expect(await h.store.lockStation(tx, 999_999)).toBeNull();
      expect(await h.store.stationCameraIds(tx, 999_999)).toEqual([]);
    });
    expect(await h.stationState(st)).toEqual({ status: 'unknown', since: null, last_seen_at: null, power: null, temp_c: null });
  });

  it('updates a station: since only on a transition, last seen never back, power and temperature kept when not given', async () => {
    const st = await h.station(code('CS'));
    const up = (u: { status: Status; transition: boolean; at: Date; seen: boolean; power: string | null; tempC: number | null }) =>
      h.store.transaction(async (tx) => {
        await h.store.lockStation(tx, st);
        await h.store.updateStation(tx, st, u);
      });
    await up({ status: 'online', transition: true, at: at(10), seen: true, power: 'mains', tempC: 41.5 });
    expect(await h.stationState(st)).toEqual({ status: 'online', since: at(10), last_seen_at: at(10), power: 'mains', temp_c: 41.5 });
    await up({ status: 'online', transition: false, at: at(5), seen: true, power: null, tempC: null });
    expect(await h.stationState(st)).toEqual({ status: 'online', since: at(10), last_seen_at: at(10), power: 'mains', temp_c: 41.5 });
    await up({ status: 'offline', transition: true, at: at(20), seen: false, power: 'battery', tempC: null });
    expect(await h.stationState(st)).toEqual({ status: 'offline', since: at(20), last_seen_at: at(10), power: 'battery', temp_c: 41.5 });
  });

  it("writes a camera's machine state, heading and picture fault", async () => {
    const cam = await h.camera({ code: code('CC'), stationId: null, headingDeg: 45 });
    await h.store.transaction(async (tx) => {
      await h.store.lockCameras(tx, [cam]);
      await h.store.updateCameraMachineState(tx, cam, { status: 'degraded', cause: 'clock_drift', pendingStatus: null, pendingCount: 0 }, true, at(3));
      await h.store.updateCameraMachineState(tx, cam, { status: 'degraded', cause: 'clock_drift', pendingStatus: 'offline', pendingCount: 1 }, false, at(4));
      await h.store.setCameraHeading(tx, cam, 61.5);
      await h.store.setCameraViewIssue(tx, cam, 'view_blocked');
    });
    expect(await h.cameraState(cam)).toMatchObject({
      status: 'degraded',
      since: at(3),
      reason: 'clock_drift',
      pending_status: 'offline',
      pending_count: 1,
      heading_deg: 61.5,
      view_issue: 'view_blocked',
    });
    expect(await h.store.viewIssue(cam)).toBe('view_blocked');
    const row = (await h.store.transaction((tx) => h.store.lockCameras(tx, [cam]))).get(cam);
    expect(row).toMatchObject({
      status: 'degraded',
      reason: 'clock_drift',
      pending_status: 'offline',
      pending_count: 1,
      heading_deg: 61.5,
      view_issue: 'view_blocked',
    });
    await h.store.transaction((tx) => h.store.setCameraViewIssue(tx, cam, null));
    expect(await h.store.viewIssue(cam)).toBeNull();
    expect(await h.store.viewIssue(999_999)).toBeNull();
  });

  it("writes a batch of checks' states: last ok, last seen never back, PTZ and device kept when absent, heading only when changed", async () => {
    const [a, b] = [await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 }), await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 })];
    const check = (id: number, minutes: number, over: Partial<Parameters<CameraStateStore<Tx>['writeCheckStates']>[1][number]> = {}) => ({
      id,
      at: at(minutes),
      status: 'online' as Status,
      reason: null,
      pendingStatus: null,
      pendingCount: 0,
      transition: false,
      ok: true,
      reachable: true,
      error: null,
      clockOffsetS: 0.4,
      ptz: JSON.stringify({ pan: 0.1, tilt: 0, zoom: 1 }),
      device: JSON.stringify({ model: 'X1' }),
      headingChanged: true,
      measured: 12,
      ...over,
    });
    const write = (rows: ReturnType<typeof check>[]) =>
      h.store.transaction(async (tx) => {
        await h.store.lockCameras(
          tx,
          rows.map((r) => r.id),
        );
        await h.store.writeCheckStates(tx, rows);
      });
    await write([
      check(a, 10, { transition: true }),
      check(b, 10, { transition: true, ok: false, status: 'degraded', reason: 'bad_reply', error: '{"kind":"parse"}' }),
    ]);
    expect(await h.cameraState(a)).toEqual({
      status: 'online',
      since: at(10),
      reason: null,
      pending_status: null,
      pending_count: 0,
      last_check_at: at(10),
      last_ok_at: at(10),
      last_seen_at: at(10),
      last_error: null,
      clock_offset_s: 0.4,
      heading_deg: 12,
      ptz: { pan: 0.1, tilt: 0, zoom: 1 },
      device: { model: 'X1' },
      view_issue: null,
    });
    expect(await h.cameraState(b)).toMatchObject({
      status: 'degraded',
      reason: 'bad_reply',
      last_ok_at: null,
      last_seen_at: at(10),
      last_error: { kind: 'parse' },
    });
    // Unreachable, no PTZ, no device, heading unchanged: those are kept, as are the offset and last seen.
    await write([
      check(a, 20, {
        status: 'online',
        pendingStatus: 'offline',
        pendingCount: 1,
        ok: false,
        reachable: false,
        error: '{"kind":"timeout"}',
        clockOffsetS: null,
        ptz: null,
        device: null,
        headingChanged: false,
        measured: null,
      }),
    ]);
    expect(await h.cameraState(a)).toEqual({
      status: 'online',
      since: at(10),
      reason: null,
      pending_status: 'offline',
      pending_count: 1,
      last_check_at: at(20),
      last_ok_at: at(10),
      last_seen_at: at(10),
      last_error: { kind: 'timeout' },
      clock_offset_s: 0.4,
      heading_deg: 12,
      ptz: { pan: 0.1, tilt: 0, zoom: 1 },
      device: { model: 'X1' },
      view_issue: null,
    });
    // A late check (an older time) does not move last seen back.
    await write([check(a, 15, { clockOffsetS: 0.2 })]);
    expect(await h.cameraState(a)).toMatchObject({ last_check_at: at(15), last_seen_at: at(15), last_ok_at: at(15), clock_offset_s: 0.2 });
    await write([check(a, 30)]);
    await write([check(a, 25)]);
    expect(await h.cameraState(a)).toMatchObject({ last_seen_at: at(30), last_check_at: at(25) });
    await write([]);
  });

  it("moves schedules on, releasing only a lease the check's owner holds (or none); checkSoon only brings a check forward", async () => {
    const [a, b, c] = [
      await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 }),
      await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 }),
      await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 }),
    ];
    await h.schedule(a, at(0), 'poller-1');
    await h.schedule(b, at(0), 'poller-2');
    await h.schedule(c, at(0), null);
    const row = (id: number, owner: string | null, ok: boolean) => ({
      id,
      at: at(1),
      nextAt: at(2),
      failures: ok ? 0 : 3,
      ok,
      error: ok ? null : '{"kind":"timeout"}',
      owner,
    });
    await h.store.transaction((tx) => h.store.releaseSchedules(tx, [row(a, 'poller-1', true), row(b, 'poller-1', true), row(c, 'poller-1', false)]));
    expect(await h.scheduleOf(a)).toEqual({ next_at: at(2), failures: 0, lease_owner: null, last_ok_at: at(1), last_error: null });
    // Another poller holds b's lease: untouched.
    expect(await h.scheduleOf(b)).toEqual({ next_at: at(0), failures: 0, lease_owner: 'poller-2', last_ok_at: null, last_error: null });
    expect(await h.scheduleOf(c)).toEqual({ next_at: at(2), failures: 3, lease_owner: null, last_ok_at: null, last_error: { kind: 'timeout' } });
    // Without an owner, whatever lease there is goes.
    await h.store.transaction((tx) => h.store.releaseSchedules(tx, [row(b, null, true)]));
    expect(await h.scheduleOf(b)).toMatchObject({ next_at: at(2), lease_owner: null, last_ok_at: at(1) });
    await h.store.transaction((tx) => h.store.checkSoon(tx, [a, b], at(1)));
    await h.store.transaction((tx) => h.store.checkSoon(tx, [c], at(5)));
    await h.store.transaction((tx) => h.store.checkSoon(tx, [], at(0)));
    expect((await h.scheduleOf(a))?.next_at).toEqual(at(1));
    expect((await h.scheduleOf(b))?.next_at).toEqual(at(1));
    expect((await h.scheduleOf(c))?.next_at).toEqual(at(2));
  });

  it('keeps status and orientation events in the order given', async () => {
    const st = await h.station(code('CS'));
    const cam = await h.camera({ code: code('CC'), stationId: st, headingDeg: 0 });
    const events: StatusEventRow[] = [
      { subject: 'station', id: st, at: at(5), status: 'offline', source: 'mqtt', reason: 'station offline (MQTT Will or status)' },
      { subject: 'camera', id: cam, at: at(5), status: 'offline', source: 'mqtt', reason: 'station down' },
      { subject: 'camera', id: cam, at: at(4), status: 'online', source: 'onvif', reason: 'check ok' },
    ];
    const turns: OrientationEventRow[] = [
      { id: cam, at: at(2), heading: 30, pan: 0.2, tilt: -0.1, zoom: null, source: 'onvif' },
      { id: cam, at: at(1), heading: null, pan: null, tilt: null, zoom: 2, source: 'mqtt' },
    ];
    await h.store.transaction(async (tx) => {
      await h.store.insertStatusEvents(tx, events);
      await h.store.insertOrientationEvents(tx, turns);
      await h.store.insertStatusEvents(tx, []);
      await h.store.insertOrientationEvents(tx, []);
    });
    expect(await h.statusEvents('camera', cam)).toEqual(events.slice(1));
    expect(await h.statusEvents('station', st)).toEqual(events.slice(0, 1));
    expect(await h.orientationEvents(cam)).toEqual(turns);
  });

  it('records heartbeats: last seen never moves back, power replaced, temperature kept when absent', async () => {
    const st = await h.station(code('CS'));
    const cam = await h.camera({ code: code('CC'), stationId: st, headingDeg: 0 });
    await h.store.transaction(async (tx) => {
      await h.store.lockCameras(tx, [cam]);
      await h.store.lockStation(tx, st);
    });
    await h.store.transaction((tx) => h.store.recordHeartbeats(tx, [{ id: st, at: at(10), power: 'mains', tempC: 38 }], [{ id: cam, at: at(10) }]));
    await h.store.transaction((tx) => h.store.recordHeartbeats(tx, [{ id: st, at: at(8), power: 'battery', tempC: null }], [{ id: cam, at: at(8) }]));
    expect(await h.stationState(st)).toMatchObject({ last_seen_at: at(10), power: 'battery', temp_c: 38 });
    expect((await h.cameraState(cam))?.last_seen_at).toEqual(at(10));
    await h.store.transaction((tx) => h.store.recordHeartbeats(tx, [], []));
  });

  it('finds online stations not heard since a time, and every station status; ensureStateRows fills what is missing', async () => {
    const [quiet, heard, down] = [await h.station(code('CS')), await h.station(code('CS')), await h.station(code('CS'))];
    const cam = await h.camera({ code: code('CC'), stationId: null, headingDeg: 0 });
    const set = (id: number, status: Status, seen: Date) =>
      h.store.transaction(async (tx) => {
        await h.store.lockStation(tx, id);
        await h.store.updateStation(tx, id, { status, transition: true, at: seen, seen: true, power: null, tempC: null });
      });
    await set(quiet, 'online', at(1));
    await set(heard, 'online', at(9));
    await set(down, 'offline', at(1));
    const mine = new Set([quiet, heard, down]);
    expect((await h.store.onlineStationsNotSeenSince(at(5))).filter((id) => mine.has(id))).toEqual([quiet]);
    const statuses = await h.store.stationStatuses();
    expect([quiet, heard, down].map((id) => statuses.get(id))).toEqual(['online', 'online', 'offline']);
    const later = await h.station(code('CS'));
    expect(await h.cameraState(cam)).toBeNull();
    expect(await h.stationState(later)).toBeNull();
    await h.store.ensureStateRows();
    expect(await h.cameraState(cam)).toMatchObject({ status: 'unknown', pending_count: 0 });
    expect(await h.stationState(later)).toMatchObject({ status: 'unknown' });
    expect(await h.stationState(quiet)).toMatchObject({ status: 'online', last_seen_at: at(1) });
  });

  it('a transaction that fails writes nothing', async () => {
    const st = await h.station(code('CS'));
    const cam = await h.camera({ code: code('CC'), stationId: st, headingDeg: 0 });
    await expect(
      h.store.transaction(async (tx) => {
        await h.store.lockCameras(tx, [cam]);
        await h.store.lockStation(tx, st);
        await h.store.updateCameraMachineState(tx, cam, { status: 'offline', cause: null, pendingStatus: null, pendingCount: 0 }, true, at(1));
        await h.store.insertStatusEvents(tx, [{ subject: 'camera', id: cam, at: at(1), status: 'offline', source: 'system', reason: 'test' }]);
        throw new Error('the writer changed its mind');
      }),
    ).rejects.toThrow('the writer changed its mind');
    expect(await h.cameraState(cam)).toBeNull();
    expect(await h.stationState(st)).toBeNull();
    expect(await h.statusEvents('camera', cam)).toEqual([]);
  });
}
