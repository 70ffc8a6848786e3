/**
 * Carries out the status machine's decisions: applies a check, an MQTT observation,
 * a heartbeat or a maintenance window to camera_state / station_state, writes
 * status_event on transitions only and orientation_event on heading changes beyond
 * 2°, and announces every change on the EventBus (status.changed, heading.changed,
 * alert.action) once its transaction has committed. The SQL, and the one lock
 * order (cameras by id, then stations by id), live in CameraStateRepository.
 *
 * Nothing taken in is lost to a passing fault: every write that fails on a transient
 * error (connection lost or refused, deadlock, serialization failure) is retried
 * with backoff until it lands, with the observation's own time, so a Will heard
 * during a database outage is recorded at the time it was heard. Buffers are
 * bounded (config.applyBufferMax); what overflows, or fails for good, is counted
 * in camnet_apply_dropped_total and logged at most once a minute.
 */
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { AlertActionEvent, EventBus, HeadingChangedEvent, StatusChangedEvent } from '../common/event-bus';
import {
  CameraRow,
  CameraStateRepository,
  CameraStateStore,
  CheckStateRow,
  EventSource,
  OrientationEventRow,
  ScheduleRow,
  StationHeartbeat,
  StatusEventRow,
} from './camera-state.repository';
import { ListeningWindow } from './listening-window';
import { ApplyBuffer, MonitoringMetrics } from './monitoring.metrics';
import type { ProbeResult } from './onvif/onvif.types';
import type { Status } from '../domain/status';
import {
  AlertStep,
  CameraIssue,
  CameraMachineState,
  CameraObservation,
  hasClockDrift,
  headingDelta,
  HEADING_NOISE_DEG,
  isTurned,
  stepCamera,
  stepStation,
  StationObservation,
  ViewIssue,
} from './status.machine';
import { isLockConflict, isTransientDbError, retryDelayMs } from './transient-error';

export type { EventSource } from './camera-state.repository';

/** How the schedule row moves on after a check (the runner decides, the same transaction writes it). */
export interface ScheduleUpdate {
  nextAt: Date;
  failures: number;
  /** Release only a lease this owner holds; null releases whatever lease there is. */
  leaseOwner: string | null;
}

export interface CheckApplication {
  source: EventSource;
  /** Other checks are still running and will be applied soon: this one may wait for them (CHECK_GATHER_MS at most) to share a batch. */
  peersRunning?: boolean;
  inMaintenance: boolean;
  schedule?: ScheduleUpdate;
}

export interface AppliedCheck {
  status: Status;
  previous: Status;
  transition: boolean;
}

/** Events are emitted only after the transaction commits. */
type Outbox = Array<() => void>;

/** A check waiting for its batch. */
interface PendingCheck {
  cameraId: number;
  /** When the check finished: the time its transition, if any, is recorded at. */
  at: Date;
  /** When it was queued (performance.now()). */
  queuedMs: number;
  result: ProbeResult;
  opts: CheckApplication;
  resolve: (a: AppliedCheck) => void;
  reject: (err: unknown) => void;
}

/** Options of a station observation. */
export interface StationApplication {
  power?: string | null;
  tempC?: number | null;
  /** When the observation was made (heard); default now. */
  at?: Date;
  /** For `silent`: act only if the station is still not seen since then (re-read under its lock). */
  notSeenSince?: Date;
}

/**
 * Check batching: one transaction of ~6 statements per batch instead of ~5 per check.
 * A batch starts at most every CHECK_FLUSH_MS (at once after a quiet spell), at once
 * when CHECK_FLUSH_AT checks wait, and holds at most CHECK_BATCH_MAX. While the checks
 * started with the waiting ones are still running (peersRunning) it waits for them,
 * CHECK_GATHER_MS at most from the first waiting one: at a light load the scheduler
 * starts a few checks per round and they then share one transaction instead of two or three.
 */
const CHECK_FLUSH_AT = 200;
const CHECK_FLUSH_MS = 20;
const CHECK_GATHER_MS = 200;
const CHECK_BATCH_MAX = 500;
const LOG_EVERY_MS = 60_000;
/** How long writes still retrying at shutdown may take to land. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Why a write gave up. */
export class WriteDroppedError extends Error {}

const later0 = (d: Date, floor: Date | null): Date => (floor !== null && new Date(floor).getTime() > d.getTime() ? new Date(floor) : d);

/**
 * Generic in the store's transaction handle only so that its specs can run it on the
 * in-memory store (test/support/fakes/); camnet runs it on CameraStateRepository.
 */
@Injectable()
export class CameraStateService<Tx = EntityManager> implements OnModuleDestroy {
  private readonly logger = new Logger('camera-state');
  /** Checks waiting for the next batch (see applyCheck), in arrival order. */
  private pendingChecks: PendingCheck[] = [];
  /** When the last batch started (performance.now()). */
  private lastFlushMs = -Infinity;
  private flushTimer: { cancel(): void } | null = null;
  /** When the armed flushTimer fires (performance.now()). */
  private flushAt = Infinity;
  /** The batch being written, if any: one at a time. */
  private flushing: Promise<void> | null = null;
  /** Tail of the queue of transactions, used in embedded mode only (see tx()). */
  private txQueue: Promise<unknown> = Promise.resolve();
  private readonly serializeTransactions: boolean;
  /** Heartbeats waiting for the next flush (latest per station / camera wins: bounded by the inventory). */
  private heartbeatStations = new Map<number, StationHeartbeat>();
  private heartbeatCameras = new Map<number, Date>();
  private heartbeatFlush: Promise<void> | null = null;
  /** Set at shutdown: a write that fails then is dropped (logged) instead of retried. */
  private stopping = false;
  private shutdownTimer: NodeJS.Timeout | null = null;
  /** Log lines limited to one a minute per key, with a count of what was not logged. */
  private readonly quiet = new Map<string, { at: number; since: number }>();

  constructor(
    @Inject(CameraStateRepository) private readonly repo: CameraStateStore<Tx>,
    private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
    private readonly listening: ListeningWindow,
    private readonly metrics: MonitoringMetrics,
  ) {
    this.serializeTransactions = config.databaseUrl === null;
  }

  /**
   * Runs fn in a transaction. PGlite serves one session: two transactions open at
   * once on two pooled connections hang it, so embedded mode runs them one by one.
   */
  private tx<T>(fn: (m: Tx) => Promise<T>): Promise<T> {
    if (!this.serializeTransactions) return this.repo.transaction(fn);
    const run = this.txQueue.then(() => this.repo.transaction(fn));
    this.txQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * A transaction retried with backoff while it fails on a transient error; its
   * outbox (events) is built afresh by each attempt and emitted after the commit.
   * Rejects on a permanent error, or on any error once camnet is stopping.
   */
  private async write<T>(what: string, fn: (m: Tx, outbox: Outbox) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const outbox: Outbox = [];
      try {
        const result = await this.tx((m) => fn(m, outbox));
        if (this.heartbeatStations.size === 0 && this.heartbeatCameras.size === 0 && this.heartbeatFlush === null) {
          this.listening.recordingRestored(this.clock.now());
        }
        outbox.forEach((f) => f());
        return result;
      } catch (err) {
        if (!isTransientDbError(err) || this.stopping) throw err;
        const conflict = isLockConflict(err);
        this.metrics.dbRetries.inc({ kind: conflict ? 'lock_conflict' : 'connection' });
        if (!conflict) this.listening.recordingLost();
        this.quietly(`retry:${conflict}`, 'warn', `${what}: ${(err as Error).message}; retrying with backoff (writes are kept until the database takes them)`);
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  /** Logs at most once a minute per key, saying how many were not logged in between. */
  quietly(key: string, level: 'warn' | 'error', message: string): void {
    const now = this.clock.now().getTime();
    const q = this.quiet.get(key);
    if (q !== undefined && now - q.at < LOG_EVERY_MS) {
      q.since++;
      return;
    }
    const more = q !== undefined && q.since > 0 ? ` (and ${q.since} more like it in the last minute)` : '';
    this.logger[level](`${message}${more}`);
    if (this.quiet.size > 200) this.quiet.clear();
    this.quiet.set(key, { at: now, since: 0 });
  }

  /** Counts and logs (once a minute) something taken in that will never be written. */
  dropped(buffer: ApplyBuffer, reason: 'overflow' | 'permanent', what: string, err?: unknown): void {
    this.metrics.applyDropped.inc({ buffer, reason });
    const why = reason === 'overflow' ? `the ${buffer} buffer is full (${this.config.applyBufferMax})` : `${(err as Error)?.message ?? err}`;
    this.quietly(`drop:${buffer}:${reason}`, 'error', `dropped ${what}: ${why}`);
  }

  /**
   * Applies one ONVIF check to the camera; answers its status before and after.
   * Checks are queued and written in batches (see flushChecks): the promise settles
   * once the batch holding this check has committed, or rejects when it cannot be.
   */
  applyCheck(cameraId: number, result: ProbeResult, opts: CheckApplication): Promise<AppliedCheck> {
    if (this.pendingChecks.length >= this.config.applyBufferMax) {
      this.dropped('checks', 'overflow', `the check of camera ${cameraId}`);
      return Promise.reject(new WriteDroppedError(`check of camera ${cameraId} dropped: the check buffer is full`));
    }
    return new Promise<AppliedCheck>((resolve, reject) => {
      this.pendingChecks.push({ cameraId, at: this.clock.now(), queuedMs: performance.now(), result, opts, resolve, reject });
      this.metrics.bufferSize('checks', this.pendingChecks.length);
      this.scheduleFlush();
    });
  }

  /** Writes every queued check now; resolves when none is left (shutdown, tests). */
  async drainChecks(): Promise<void> {
    while (this.pendingChecks.length > 0 || this.flushing !== null) {
      if (this.flushing === null) this.startFlush();
      await this.flushing;
    }
  }

  /** From now on a failed write is dropped (and logged) instead of retried: camnet is stopping. */
  stopRetrying(): void {
    this.stopping = true;
  }

  /**
   * camnet is stopping: writes still retrying get SHUTDOWN_GRACE_MS to land, then a
   * failure drops them (logged), so a stop during a database outage does not hang.
   */
  beginShutdown(): void {
    if (this.shutdownTimer !== null || this.stopping) return;
    this.shutdownTimer = setTimeout(() => this.stopRetrying(), SHUTDOWN_GRACE_MS);
    this.shutdownTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.beginShutdown();
    // Callers still waiting (a check in flight at shutdown) get their answer before the database goes.
    await this.drainChecks();
    await this.flushHeartbeats().catch(() => undefined);
    this.stopping = true;
    if (this.shutdownTimer !== null) clearTimeout(this.shutdownTimer);
  }

  /** Takes a heartbeat in: last-seen times are written by the next flushHeartbeats. */
  recordHeartbeat(stationId: number, at: Date, power: string, tempC: number | null, onlineCameraIds: number[]): void {
    const prev = this.heartbeatStations.get(stationId);
    if (prev === undefined || prev.at <= at) this.heartbeatStations.set(stationId, { id: stationId, at, power, tempC });
    for (const id of onlineCameraIds) {
      const p = this.heartbeatCameras.get(id);
      if (p === undefined || p <= at) this.heartbeatCameras.set(id, at);
    }
    this.metrics.bufferSize('heartbeats', this.heartbeatStations.size + this.heartbeatCameras.size);
  }

  /**
   * Writes the buffered heartbeats (one transaction, rows locked in the house order),
   * retrying while the database is away; heartbeats arriving meanwhile wait for the
   * next flush. Only once they land does the silence clock run again (ListeningWindow).
   */
  flushHeartbeats(): Promise<void> {
    if (this.heartbeatFlush !== null) return this.heartbeatFlush;
    if (this.heartbeatStations.size === 0 && this.heartbeatCameras.size === 0) return Promise.resolve();
    const stations = [...this.heartbeatStations.values()];
    const cameras = [...this.heartbeatCameras].map(([id, at]) => ({ id, at }));
    this.heartbeatStations = new Map();
    this.heartbeatCameras = new Map();
    this.heartbeatFlush = this.write('heartbeat flush', (m) => this.repo.recordHeartbeats(m, stations, cameras))
      .then(
        () => this.listening.recordingRestored(this.clock.now()),
        (err) => this.dropped('heartbeats', 'permanent', `${stations.length} station and ${cameras.length} camera heartbeats`, err),
      )
      .finally(() => {
        this.heartbeatFlush = null;
        this.metrics.bufferSize('heartbeats', this.heartbeatStations.size + this.heartbeatCameras.size);
      });
    return this.heartbeatFlush;
  }

  /**
   * One flush at a time, and at most one started per CHECK_FLUSH_MS unless a full batch
   * waits: a check arriving after a quiet spell goes at once (a lone check, or POST
   * /check, waits for nothing) unless checks started with it are still running, while
   * under load the checks of each 20 ms share one transaction. A flush slower than that
   * is followed at once by the next (group commit).
   */
  private scheduleFlush(): void {
    if (this.flushing !== null || this.pendingChecks.length === 0) return;
    if (this.pendingChecks.length >= CHECK_FLUSH_AT) return this.startFlush();
    const at = this.nextFlushAt();
    if (this.flushTimer !== null) {
      if (at >= this.flushAt) return;
      this.flushTimer.cancel();
    }
    // Even "at once" waits for the end of this turn of the event loop, so that checks
    // finishing together still share the batch.
    this.flushAt = at;
    this.flushTimer = later(at - performance.now(), () => {
      this.flushTimer = null;
      this.startFlush();
    });
  }

  /** When the next batch starts (performance.now()): the newest check tells whether more are coming. */
  private nextFlushAt(): number {
    const earliest = this.lastFlushMs + CHECK_FLUSH_MS;
    if (!this.pendingChecks[this.pendingChecks.length - 1].opts.peersRunning) return earliest;
    return Math.max(earliest, this.pendingChecks[0].queuedMs + CHECK_GATHER_MS);
  }

  private startFlush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    if (this.flushing !== null || this.pendingChecks.length === 0) return;
    // A camera appears at most once per batch: a second check of it waits for the next
    // batch, which then reads the state this one committed (the order per camera holds).
    const batch: PendingCheck[] = [];
    const rest: PendingCheck[] = [];
    const seen = new Set<number>();
    for (const p of this.pendingChecks) {
      if (batch.length < CHECK_BATCH_MAX && !seen.has(p.cameraId)) {
        seen.add(p.cameraId);
        batch.push(p);
      } else rest.push(p);
    }
    this.pendingChecks = rest;
    this.lastFlushMs = performance.now();
    this.flushing = this.flushChecks(batch).finally(() => {
      this.flushing = null;
      this.metrics.bufferSize('checks', this.pendingChecks.length);
      this.scheduleFlush();
    });
  }

  /**
   * Writes one batch of checks in ONE transaction: the rows locked in camera-id order,
   * the status machine stepped per check in memory exactly as for a single check, then
   * a handful of multi-row statements. Retried as a whole on a transient failure;
   * if it cannot be written, every caller of the batch gets the error. Never rejects itself.
   * (`synchronous_commit = off` for these transactions was measured and does not pay:
   * with one commit per batch the poller is bound by its CPU, not by commit flushes.)
   */
  private async flushChecks(batch: PendingCheck[]): Promise<void> {
    let settled: Array<() => void> = [];
    try {
      await this.write(`a batch of ${batch.length} checks`, async (m, outbox) => {
        settled = [];
        const rows = await this.repo.lockCameras(
          m,
          batch.map((p) => p.cameraId),
        );
        const w = new CheckWrites();
        for (const p of batch) {
          const row = rows.get(p.cameraId);
          if (row === undefined) {
            const err = new Error(`no camera with id ${p.cameraId}`);
            settled.push(() => p.reject(err));
            continue;
          }
          const applied = this.planCheck(w, outbox, row, p);
          settled.push(() => p.resolve(applied));
        }
        await this.repo.writeCheckStates(m, w.state);
        await this.repo.releaseSchedules(m, w.schedule);
        await this.repo.insertStatusEvents(m, w.statusEvents);
        await this.repo.insertOrientationEvents(m, w.orientationEvents);
      });
    } catch (err) {
      this.dropped('checks', 'permanent', `a batch of ${batch.length} check results`, err);
      for (const p of batch) p.reject(err);
      return;
    }
    settled.forEach((f) => f());
  }

  /** The status machine's step for one check, added to the batch's writes and outbox. */
  private planCheck(w: CheckWrites, outbox: Outbox, row: CameraRow, p: PendingCheck): AppliedCheck {
    const { result, opts } = p;
    // A check applied late (after a retry) is recorded at its own time, never before the camera's last transition.
    const at = later0(p.at, row.since);
    const measured = result.headingDeg;
    const heading = measured ?? row.heading_deg;
    const issues: CameraIssue[] = [];
    if (result.reachable) {
      if (result.error?.kind === 'auth') issues.push('auth_failed');
      else if (result.error !== null) issues.push('bad_reply');
      if (hasClockDrift(result.clockOffsetS)) issues.push('clock_drift');
      if (isTurned(heading, row.registered_deg)) issues.push('turned');
      // A confirmed picture fault stays an issue of every check until the view module clears it.
      if (row.view_issue !== null) issues.push(row.view_issue);
    }
    const step = stepCamera(machineState(row), {
      type: 'check',
      reachable: result.reachable,
      issues,
      stationDown: row.station_status === 'offline',
      inMaintenance: opts.inMaintenance,
    });
    const headingChanged = measured !== null && headingDelta(measured, row.heading_deg ?? row.registered_deg) > HEADING_NOISE_DEG;
    const error = result.error === null ? null : JSON.stringify(result.error);
    w.state.push({
      id: row.camera_id,
      at,
      status: step.next.status,
      reason: step.next.cause,
      pendingStatus: step.next.pendingStatus,
      pendingCount: step.next.pendingCount,
      transition: step.transition,
      ok: result.ok,
      reachable: result.reachable,
      error,
      clockOffsetS: result.clockOffsetS,
      ptz: result.ptz === null ? null : JSON.stringify(result.ptz),
      device: result.device === null ? null : JSON.stringify(deviceJson(result.device)),
      headingChanged,
      measured,
    });
    if (opts.schedule) {
      const s = opts.schedule;
      w.schedule.push({ id: row.camera_id, at, nextAt: s.nextAt, failures: s.failures, ok: result.ok, error, owner: s.leaseOwner });
    }
    const reason = checkReason(step.next.status, step.next.cause, result);
    if (step.transition) w.statusEvents.push({ subject: 'camera', id: row.camera_id, at, status: step.next.status, source: opts.source, reason });
    this.announceCameraStep(outbox, row, step, at, reason, null);
    if (headingChanged) {
      const ptz = result.ptz;
      w.orientationEvents.push({
        id: row.camera_id,
        at,
        heading: measured,
        pan: ptz?.pan ?? null,
        tilt: ptz?.tilt ?? null,
        zoom: ptz?.zoom ?? null,
        source: 'onvif',
      });
      this.announceHeading(outbox, row, at, measured);
    }
    return { status: step.next.status, previous: row.status, transition: step.transition };
  }

  /** A non-check observation about one camera (maintenance start). */
  async applyCameraObservation(cameraId: number, o: CameraObservation, source: EventSource, reason: string): Promise<boolean> {
    return this.write(`camera ${cameraId}: ${o.type}`, async (m, outbox) => {
      const row = await this.lockCamera(m, cameraId);
      const step = stepCamera(machineState(row), o);
      const at = later0(this.clock.now(), row.since);
      if (step.transition || step.next.pendingCount !== row.pending_count)
        await this.repo.updateCameraMachineState(m, cameraId, step.next, step.transition, at);
      if (step.transition) await this.repo.insertStatusEvents(m, [{ subject: 'camera', id: cameraId, at, status: step.next.status, source, reason }]);
      this.announceCameraStep(outbox, row, step, at, reason, null);
      return step.transition;
    });
  }

  /**
   * A heading reported by MQTT (orientation topic, or a heartbeat's camera entry), at
   * the time it was heard. Recorded only beyond the noise threshold; answers whether it was.
   */
  async applyOrientation(
    cameraId: number,
    headingDeg: number,
    ptz: { pan: number | null; tilt: number | null },
    source: EventSource,
    heardAt: Date = this.clock.now(),
  ): Promise<boolean> {
    return this.write(`camera ${cameraId}: orientation`, async (m, outbox) => {
      const row = await this.lockCamera(m, cameraId);
      if (headingDelta(headingDeg, row.heading_deg ?? row.registered_deg) <= HEADING_NOISE_DEG) return false;
      await this.repo.setCameraHeading(m, cameraId, headingDeg);
      await this.repo.insertOrientationEvents(m, [{ id: cameraId, at: heardAt, heading: headingDeg, pan: ptz.pan, tilt: ptz.tilt, zoom: null, source }]);
      this.announceHeading(outbox, row, heardAt, headingDeg);
      return true;
    });
  }

  /**
   * A picture fault confirmed by the view module (src/view), or its end (issue null):
   * kept in camera_state.view_issue, where every later ONVIF check picks it up, and
   * applied to the status at once when the camera answers (online or degraded); it
   * opens or resolves that view_* alert through the same status history and events as
   * every other reason. Answers the status before and after.
   */
  async applyViewObservation(cameraId: number, issue: ViewIssue | null, source: EventSource): Promise<AppliedCheck> {
    return this.write(`camera ${cameraId}: view`, async (m, outbox) => {
      const row = await this.lockCamera(m, cameraId);
      const at = later0(this.clock.now(), row.since);
      const step = stepCamera(machineState(row), { type: 'view', issue });
      await this.repo.setCameraViewIssue(m, cameraId, issue);
      if (step.transition || step.next.cause !== row.reason) await this.repo.updateCameraMachineState(m, cameraId, step.next, step.transition, at);
      const reason = step.next.status === 'online' ? 'picture ok' : (step.next.cause ?? step.next.status);
      if (step.transition) await this.repo.insertStatusEvents(m, [{ subject: 'camera', id: cameraId, at, status: step.next.status, source, reason }]);
      this.announceCameraStep(outbox, row, step, at, reason, null);
      return { status: step.next.status, previous: row.status, transition: step.transition };
    });
  }

  /** The picture fault last confirmed for a camera (camera_state.view_issue). */
  viewIssue(cameraId: number): Promise<ViewIssue | null> {
    return this.repo.viewIssue(cameraId);
  }

  /**
   * A station observation, with the cascade to its cameras: a station that goes down
   * takes its cameras offline attributed to it (one station_down alert, none per
   * camera); one that comes back has its cameras re-checked at once. Locks the
   * station's cameras (by id) before the station, as every writer does. Answers the
   * station's status after it (null for a station that does not exist).
   */
  async applyStation(stationId: number, o: StationObservation, source: EventSource, details: StationApplication = {}): Promise<Status | null> {
    const heardAt = details.at ?? this.clock.now();
    return this.write(`station ${stationId}: ${o.type}`, async (m, outbox) => {
      const cameraIds = await this.repo.stationCameraIds(m, stationId);
      const cameraRows = [...(await this.repo.lockCameras(m, cameraIds)).values()].sort((a, b) => a.camera_id - b.camera_id);
      const row = await this.repo.lockStation(m, stationId);
      if (row === null) return null;
      if (o.type === 'silent' && details.notSeenSince && row.last_seen_at !== null && new Date(row.last_seen_at) >= details.notSeenSince) {
        return row.status; // heard after all: a heartbeat landed since the sweep read its list
      }
      const at = later0(heardAt, row.since);
      const step = stepStation(row.status, o);
      const seen = o.type === 'online' || o.type === 'heartbeat';
      await this.repo.updateStation(m, stationId, {
        status: step.next,
        transition: step.transition,
        at,
        seen,
        power: details.power ?? null,
        tempC: details.tempC ?? null,
      });
      const reason = stationReason(o, this.listening.silentAfterMs);
      const events: StatusEventRow[] = [];
      if (step.transition) {
        events.push({ subject: 'station', id: stationId, at, status: step.next, source, reason });
        const ev: StatusChangedEvent = { subject: 'station', id: stationId, code: row.code, status: step.next, previous: row.status, at, reason };
        outbox.push(() => this.bus.emit('status.changed', ev));
      }
      const recheck: number[] = [];
      if (step.cameras !== null) {
        for (const cam of cameraRows) {
          const cs = stepCamera(machineState(cam), { type: step.cameras });
          const camAt = later0(at, cam.since);
          if (cs.recheck) recheck.push(cam.camera_id);
          if (cs.transition || cs.next.pendingCount !== cam.pending_count) {
            await this.repo.updateCameraMachineState(m, cam.camera_id, cs.next, cs.transition, camAt);
          }
          const camReason = `station ${row.code} down`;
          if (cs.transition) events.push({ subject: 'camera', id: cam.camera_id, at: camAt, status: cs.next.status, source, reason: camReason });
          this.announceCameraStep(outbox, cam, cs, camAt, camReason, row.code);
        }
      }
      await this.repo.insertStatusEvents(m, events);
      await this.repo.checkSoon(m, recheck, this.clock.now());
      for (const a of step.alerts) {
        const ev: AlertActionEvent = {
          action: a.action,
          kind: a.kind,
          subject: `station:${row.code}`,
          at,
          details: { reason, ...(a.action === 'open' ? { cameras: cameraRows.map((c) => c.code) } : {}) },
        };
        outbox.push(() => this.bus.emit('alert.action', ev));
      }
      return step.next;
    });
  }

  /** Creates missing camera_state and station_state rows (cameras and stations added after the seed). */
  async ensureStateRows(): Promise<void> {
    await this.repo.ensureStateRows();
  }

  private async lockCamera(m: Tx, cameraId: number): Promise<CameraRow> {
    const row = (await this.repo.lockCameras(m, [cameraId])).get(cameraId);
    if (!row) throw new Error(`no camera with id ${cameraId}`);
    return row;
  }

  /** The events of one camera step: status.changed on a transition, then its alert actions. */
  private announceCameraStep(
    outbox: Outbox,
    row: CameraRow,
    step: { transition: boolean; next: CameraMachineState; alerts: AlertStep[] },
    at: Date,
    reason: string,
    attributedTo: string | null,
  ): void {
    if (step.transition) {
      const ev: StatusChangedEvent = {
        subject: 'camera',
        id: row.camera_id,
        code: row.code,
        status: step.next.status,
        previous: row.status,
        at,
        reason,
        attributedTo,
      };
      outbox.push(() => this.bus.emit('status.changed', ev));
    }
    for (const a of step.alerts) {
      const ev: AlertActionEvent = { action: a.action, kind: a.kind, subject: `camera:${row.code}`, at, details: { reason, status: step.next.status } };
      outbox.push(() => this.bus.emit('alert.action', ev));
    }
  }

  private announceHeading(outbox: Outbox, row: CameraRow, at: Date, heading: number | null): void {
    const ev: HeadingChangedEvent = { cameraId: row.camera_id, code: row.code, headingDeg: heading, at };
    outbox.push(() => this.bus.emit('heading.changed', ev));
  }
}

/** What one batch of checks writes (see CameraStateRepository). */
class CheckWrites {
  state: CheckStateRow[] = [];
  schedule: ScheduleRow[] = [];
  statusEvents: StatusEventRow[] = [];
  orientationEvents: OrientationEventRow[] = [];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs fn after ms, or at the end of this turn of the event loop when ms <= 0; cancellable. */
function later(ms: number, fn: () => void): { cancel(): void } {
  if (ms <= 0) {
    const h = setImmediate(fn);
    return { cancel: () => clearImmediate(h) };
  }
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
}

function machineState(row: Pick<CameraRow, 'status' | 'reason' | 'pending_status' | 'pending_count'>): CameraMachineState {
  return { status: row.status, cause: row.reason, pendingStatus: row.pending_status, pendingCount: row.pending_count };
}

function deviceJson(d: NonNullable<ProbeResult['device']>): Record<string, string | null> {
  return { manufacturer: d.manufacturer, model: d.model, firmware: d.firmware, serial: d.serial, hardware_id: d.hardwareId };
}

/** The status_event reason of a camera transition caused by a check. */
function checkReason(status: Status, cause: string | null, result: ProbeResult): string {
  if (status === 'maintenance') return 'maintenance window';
  if (status === 'online') return 'check ok';
  if (status === 'offline' && cause === 'station_down') return 'station down';
  const err = result.error === null ? '' : `: ${result.error.kind}: ${result.error.message}`;
  return `${cause ?? status}${err}`.slice(0, 500);
}

function stationReason(o: StationObservation, silentAfterMs: number): string {
  switch (o.type) {
    case 'will':
      return 'station offline (MQTT Will or status)';
    case 'silent':
      return `station silent: no heartbeat for ${Math.round(silentAfterMs / 1000)} s`;
    case 'online':
      return 'station online (MQTT status)';
    case 'heartbeat':
      return 'station heartbeat';
    case 'maintenance_start':
      return 'maintenance window';
    case 'maintenance_end':
      return o.recentlySeen ? 'maintenance over, station seen' : 'maintenance over, station silent';
  }
}
