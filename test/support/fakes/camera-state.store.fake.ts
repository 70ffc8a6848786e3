/**
 * An in-memory CameraStateStore: the inventory's cameras and stations, their state
 * rows, check schedules and the status and orientation histories, in maps. A
 * transaction runs alone (as the repository's row locks make writers queue) and is
 * undone when it throws; the next ones can be made to fail, as a database that
 * refuses or deadlocks does. CameraStateService's spec uses it instead of a database;
 * test/support/camera-state-store.contract.ts holds it to the same answers as
 * CameraStateRepository on PostgreSQL and PGlite.
 */
import type { ViewIssue } from '../../../src/domain/alert';
import type { Status } from '../../../src/domain/status';
import type {
  CameraRow,
  CameraStateStore,
  CheckStateRow,
  OrientationEventRow,
  ScheduleRow,
  StationHeartbeat,
  StationRow,
  StatusEventRow,
} from '../../../src/monitoring/camera-state.repository';
import type { StoredCameraState, StoredSchedule, StoredStationState } from '../camera-state-store.contract';

/** The handle of one fake transaction: usable only while it is open. */
export class FakeStateTransaction {
  open = true;
}

interface Tables {
  cameraState: Map<number, StoredCameraState>;
  stationState: Map<number, StoredStationState>;
  schedules: Map<number, StoredSchedule>;
  statusEvents: StatusEventRow[];
  orientationEvents: OrientationEventRow[];
}

const freshCamera = (): StoredCameraState => ({
  status: 'unknown',
  since: null,
  reason: null,
  pending_status: null,
  pending_count: 0,
  last_check_at: null,
  last_ok_at: null,
  last_seen_at: null,
  last_error: null,
  clock_offset_s: null,
  heading_deg: null,
  ptz: null,
  device: null,
  view_issue: null,
});
const freshStation = (): StoredStationState => ({ status: 'unknown', since: null, last_seen_at: null, power: null, temp_c: null });
const latest = (a: Date | null, b: Date): Date => (a !== null && a.getTime() > b.getTime() ? a : b);
const parsed = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
const copy = <T>(row: T | undefined): T | null => (row === undefined ? null : structuredClone(row));

export class InMemoryCameraStateStore implements CameraStateStore<FakeStateTransaction> {
  readonly cameras = new Map<number, { code: string; stationId: number | null; headingDeg: number }>();
  readonly stations = new Map<number, { code: string }>();
  private t: Tables = { cameraState: new Map(), stationState: new Map(), schedules: new Map(), statusEvents: [], orientationEvents: [] };
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private failures: unknown[] = [];
  /** Transactions begun, failed ones included. */
  transactionAttempts = 0;

  addStation(code: string): number {
    const id = this.nextId++;
    this.stations.set(id, { code });
    return id;
  }

  addCamera(c: { code: string; stationId: number | null; headingDeg: number }): number {
    const id = this.nextId++;
    this.cameras.set(id, { ...c });
    return id;
  }

  /** A state row as if written earlier (a camera already watched). */
  setCameraState(cameraId: number, s: Partial<StoredCameraState>): void {
    this.t.cameraState.set(cameraId, { ...(this.t.cameraState.get(cameraId) ?? freshCamera()), ...s });
  }

  setStationState(stationId: number, s: Partial<StoredStationState>): void {
    this.t.stationState.set(stationId, { ...(this.t.stationState.get(stationId) ?? freshStation()), ...s });
  }

  addSchedule(cameraId: number, nextAt: Date, leaseOwner: string | null = null): void {
    this.t.schedules.set(cameraId, { next_at: nextAt, failures: 0, lease_owner: leaseOwner, last_ok_at: null, last_error: null });
  }

  /** The next transactions fail with these errors, one each, before doing anything. */
  failNextTransactions(...errors: unknown[]): void {
    this.failures.push(...errors);
  }

  // Readers answer copies, as a database's rows are: a later write must not change what a test read before it.
  cameraState(id: number): StoredCameraState | null {
    return copy(this.t.cameraState.get(id));
  }

  stationState(id: number): StoredStationState | null {
    return copy(this.t.stationState.get(id));
  }

  scheduleOf(id: number): StoredSchedule | null {
    return copy(this.t.schedules.get(id));
  }

  statusEvents(subject?: 'camera' | 'station', id?: number): StatusEventRow[] {
    return structuredClone(this.t.statusEvents.filter((e) => (subject === undefined || e.subject === subject) && (id === undefined || e.id === id)));
  }

  orientationEvents(cameraId: number): OrientationEventRow[] {
    return structuredClone(this.t.orientationEvents.filter((e) => e.id === cameraId));
  }

  transaction<T>(fn: (tx: FakeStateTransaction) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.transactionAttempts++;
      const failure = this.failures.shift();
      if (failure !== undefined) throw failure;
      const before = structuredClone(this.t);
      const tx = new FakeStateTransaction();
      try {
        return await fn(tx);
      } catch (err) {
        this.t = before;
        throw err;
      } finally {
        tx.open = false;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async ensureStateRows(): Promise<void> {
    for (const id of this.cameras.keys()) if (!this.t.cameraState.has(id)) this.t.cameraState.set(id, freshCamera());
    for (const id of this.stations.keys()) if (!this.t.stationState.has(id)) this.t.stationState.set(id, freshStation());
  }

  async lockCameras(tx: FakeStateTransaction, cameraIds: number[]): Promise<Map<number, CameraRow>> {
    this.inside(tx);
    const rows = new Map<number, CameraRow>();
    for (const id of [...new Set(cameraIds)].sort((a, b) => a - b)) {
      const cam = this.cameras.get(id);
      if (cam === undefined) continue;
      if (!this.t.cameraState.has(id)) this.t.cameraState.set(id, freshCamera());
      const s = this.t.cameraState.get(id)!;
      const station = cam.stationId === null ? undefined : this.stations.get(cam.stationId);
      rows.set(id, {
        camera_id: id,
        status: s.status,
        since: s.since,
        reason: s.reason,
        pending_status: s.pending_status,
        pending_count: s.pending_count,
        heading_deg: s.heading_deg,
        view_issue: s.view_issue,
        code: cam.code,
        registered_deg: cam.headingDeg,
        station_id: cam.stationId,
        station_code: station?.code ?? null,
        station_status: cam.stationId === null ? null : (this.t.stationState.get(cam.stationId)?.status ?? null),
      });
    }
    return rows;
  }

  async stationCameraIds(tx: FakeStateTransaction, stationId: number): Promise<number[]> {
    this.inside(tx);
    return [...this.cameras]
      .filter(([, c]) => c.stationId === stationId)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  async lockStation(tx: FakeStateTransaction, stationId: number): Promise<StationRow | null> {
    this.inside(tx);
    const station = this.stations.get(stationId);
    if (station === undefined) return null;
    if (!this.t.stationState.has(stationId)) this.t.stationState.set(stationId, freshStation());
    const s = this.t.stationState.get(stationId)!;
    return { status: s.status, code: station.code, since: s.since, last_seen_at: s.last_seen_at };
  }

  async updateStation(
    tx: FakeStateTransaction,
    stationId: number,
    u: { status: Status; transition: boolean; at: Date; seen: boolean; power: string | null; tempC: number | null },
  ): Promise<void> {
    this.inside(tx);
    const s = this.t.stationState.get(stationId);
    if (s === undefined) return;
    s.status = u.status;
    if (u.transition) s.since = u.at;
    if (u.seen) s.last_seen_at = latest(s.last_seen_at, u.at);
    s.power = u.power ?? s.power;
    s.temp_c = u.tempC ?? s.temp_c;
  }

  async updateCameraMachineState(
    tx: FakeStateTransaction,
    cameraId: number,
    m: { status: Status; cause: string | null; pendingStatus: Status | null; pendingCount: number },
    transition: boolean,
    at: Date,
  ): Promise<void> {
    this.inside(tx);
    const s = this.t.cameraState.get(cameraId);
    if (s === undefined) return;
    s.status = m.status;
    s.reason = m.cause;
    s.pending_status = m.pendingStatus;
    s.pending_count = m.pendingCount;
    if (transition) s.since = at;
  }

  async setCameraHeading(tx: FakeStateTransaction, cameraId: number, headingDeg: number): Promise<void> {
    this.inside(tx);
    const s = this.t.cameraState.get(cameraId);
    if (s !== undefined) s.heading_deg = headingDeg;
  }

  async setCameraViewIssue(tx: FakeStateTransaction, cameraId: number, issue: ViewIssue | null): Promise<void> {
    this.inside(tx);
    const s = this.t.cameraState.get(cameraId);
    if (s !== undefined) s.view_issue = issue;
  }

  async viewIssue(cameraId: number): Promise<ViewIssue | null> {
    return this.t.cameraState.get(cameraId)?.view_issue ?? null;
  }

  async checkSoon(tx: FakeStateTransaction, cameraIds: number[], at: Date): Promise<void> {
    this.inside(tx);
    for (const id of cameraIds) {
      const s = this.t.schedules.get(id);
      if (s !== undefined && s.next_at.getTime() > at.getTime()) s.next_at = at;
    }
  }

  async insertStatusEvents(tx: FakeStateTransaction, rows: StatusEventRow[]): Promise<void> {
    this.inside(tx);
    this.t.statusEvents.push(...rows.map((r) => ({ ...r })));
  }

  async insertOrientationEvents(tx: FakeStateTransaction, rows: OrientationEventRow[]): Promise<void> {
    this.inside(tx);
    this.t.orientationEvents.push(...rows.map((r) => ({ ...r })));
  }

  async writeCheckStates(tx: FakeStateTransaction, rows: CheckStateRow[]): Promise<void> {
    this.inside(tx);
    for (const r of rows) {
      const s = this.t.cameraState.get(r.id);
      if (s === undefined) continue;
      s.status = r.status;
      s.reason = r.reason;
      s.pending_status = r.pendingStatus;
      s.pending_count = r.pendingCount;
      if (r.transition) s.since = r.at;
      s.last_check_at = r.at;
      if (r.ok) s.last_ok_at = r.at;
      if (r.reachable) {
        s.last_seen_at = latest(s.last_seen_at, r.at);
        s.clock_offset_s = r.clockOffsetS;
      }
      s.last_error = parsed(r.error);
      s.ptz = r.ptz === null ? s.ptz : parsed(r.ptz);
      s.device = r.device === null ? s.device : parsed(r.device);
      if (r.headingChanged) s.heading_deg = r.measured;
    }
  }

  async releaseSchedules(tx: FakeStateTransaction, rows: ScheduleRow[]): Promise<void> {
    this.inside(tx);
    for (const r of rows) {
      const s = this.t.schedules.get(r.id);
      if (s === undefined || (r.owner !== null && s.lease_owner !== null && s.lease_owner !== r.owner)) continue;
      s.next_at = r.nextAt;
      s.failures = r.failures;
      s.lease_owner = null;
      if (r.ok) s.last_ok_at = r.at;
      s.last_error = parsed(r.error);
    }
  }

  async recordHeartbeats(tx: FakeStateTransaction, stations: StationHeartbeat[], cameras: Array<{ id: number; at: Date }>): Promise<void> {
    this.inside(tx);
    for (const c of cameras) {
      const s = this.t.cameraState.get(c.id);
      if (s !== undefined) s.last_seen_at = latest(s.last_seen_at, c.at);
    }
    for (const h of stations) {
      const s = this.t.stationState.get(h.id);
      if (s === undefined) continue;
      s.last_seen_at = latest(s.last_seen_at, h.at);
      s.power = h.power;
      s.temp_c = h.tempC ?? s.temp_c;
    }
  }

  async onlineStationsNotSeenSince(cutoff: Date): Promise<number[]> {
    return [...this.t.stationState]
      .filter(([, s]) => s.status === 'online' && s.last_seen_at !== null && s.last_seen_at.getTime() < cutoff.getTime())
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  async stationStatuses(): Promise<Map<number, Status>> {
    return new Map([...this.t.stationState].map(([id, s]) => [id, s.status]));
  }

  /** A write outside an open transaction is a defect of the caller: the repository's would not hold its locks. */
  private inside(tx: FakeStateTransaction): void {
    if (!tx.open) throw new Error('the fake camera-state store was written outside an open transaction');
  }
}
