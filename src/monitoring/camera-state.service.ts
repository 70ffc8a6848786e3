/**
 * Carries out the status machine's decisions: applies a check, an MQTT observation or
 * a maintenance window to camera_state / station_state, writes status_event on
 * transitions only and orientation_event on heading changes beyond 2°, and announces
 * every change on the EventBus (status.changed, heading.changed, alert.action).
 * Each application runs in one transaction holding the subject's row lock, so two
 * replicas (or the poller and the MQTT listener) never interleave on one camera.
 * ONVIF checks, thousands a second, are applied in batches: one transaction locks the
 * batch's rows and writes them with a few multi-row statements.
 */
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { AlertActionEvent, EventBus, HeadingChangedEvent, StatusChangedEvent } from '../common/event-bus';
import type { ProbeResult } from './onvif/onvif.types';
import type { Status } from './status';
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

export type EventSource = 'onvif' | 'mqtt' | 'manual' | 'system';

/** How the schedule row moves on after a check (the runner decides, the same transaction writes it). */
export interface ScheduleUpdate {
  nextAt: Date;
  failures: number;
  /** Release only a lease this owner holds; null releases whatever lease there is. */
  leaseOwner: string | null;
}

export interface CheckApplication {
  source: EventSource;
  inMaintenance: boolean;
  schedule?: ScheduleUpdate;
}

export interface AppliedCheck {
  status: Status;
  previous: Status;
  transition: boolean;
}

interface CameraRow {
  camera_id: number;
  status: Status;
  reason: string | null;
  pending_status: Status | null;
  pending_count: number;
  heading_deg: number | null;
  code: string;
  registered_deg: number;
  station_id: number | null;
  station_code: string | null;
  station_status: Status | null;
  /** The picture fault the view module last confirmed (see applyViewObservation). */
  view_issue: ViewIssue | null;
}

/** Events are emitted only after the transaction commits. */
type Outbox = Array<() => void>;

/** A check waiting for its batch. */
interface PendingCheck {
  cameraId: number;
  result: ProbeResult;
  opts: CheckApplication;
  resolve: (a: AppliedCheck) => void;
  reject: (err: unknown) => void;
}

/**
 * Check batching: one transaction of ~6 statements per batch instead of ~5 per check.
 * A batch starts at most every CHECK_FLUSH_MS (at once after a quiet spell), at once
 * when CHECK_FLUSH_AT checks wait, and holds at most CHECK_BATCH_MAX.
 */
const CHECK_FLUSH_AT = 200;
const CHECK_FLUSH_MS = 20;
const CHECK_BATCH_MAX = 500;

const CAMERA_ROW_SQL = `
  SELECT cs.camera_id, cs.status, cs.reason, cs.pending_status, cs.pending_count, cs.heading_deg, cs.view_issue,
         c.code, c.heading_deg AS registered_deg, c.station_id, st.code AS station_code, ss.status AS station_status
  FROM camera_state cs
  JOIN camera c ON c.id = cs.camera_id
  LEFT JOIN station st ON st.id = c.station_id
  LEFT JOIN station_state ss ON ss.station_id = c.station_id`;

@Injectable()
export class CameraStateService implements OnModuleDestroy {
  /** Checks waiting for the next batch (see applyCheck), in arrival order. */
  private pendingChecks: PendingCheck[] = [];
  /** When the last batch started (performance.now()). */
  private lastFlushMs = -Infinity;
  private flushTimer: { cancel(): void } | null = null;
  /** The batch being written, if any: one at a time. */
  private flushing: Promise<void> | null = null;
  /** Tail of the queue of transactions, used in embedded mode only (see tx()). */
  private txQueue: Promise<unknown> = Promise.resolve();
  private readonly serializeTransactions: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAMNET_CONFIG) config: CamnetConfig,
  ) {
    this.serializeTransactions = config.databaseUrl === null;
  }

  /**
   * Runs fn in a transaction. PGlite serves one session: two transactions open at
   * once on two pooled connections hang it, so embedded mode runs them one by one.
   */
  private tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serializeTransactions) return this.dataSource.transaction(fn);
    const run = this.txQueue.then(() => this.dataSource.transaction(fn));
    this.txQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Applies one ONVIF check to the camera; answers its status before and after.
   * Checks are queued and written in batches (see flushChecks): the promise settles
   * once the batch holding this check has committed, or rejects when it failed.
   */
  applyCheck(cameraId: number, result: ProbeResult, opts: CheckApplication): Promise<AppliedCheck> {
    return new Promise<AppliedCheck>((resolve, reject) => {
      this.pendingChecks.push({ cameraId, result, opts, resolve, reject });
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

  async onModuleDestroy(): Promise<void> {
    // Callers still waiting (a check in flight at shutdown) get their answer before the database goes.
    await this.drainChecks();
  }

  /**
   * One flush at a time, and at most one started per CHECK_FLUSH_MS unless a full batch
   * waits: a check arriving after a quiet spell goes at once (a lone check, or POST
   * /check, waits for nothing), while under load the checks of each 20 ms share one
   * transaction. A flush slower than that is followed at once by the next (group commit).
   */
  private scheduleFlush(): void {
    if (this.flushing !== null || this.pendingChecks.length === 0) return;
    const full = this.pendingChecks.length >= CHECK_FLUSH_AT;
    if (this.flushTimer !== null) {
      if (!full) return;
      this.flushTimer.cancel();
      this.flushTimer = null;
    }
    if (full) return this.startFlush();
    // Even "at once" waits for the end of this turn of the event loop, so that checks
    // finishing together still share the batch.
    this.flushTimer = later(this.lastFlushMs + CHECK_FLUSH_MS - performance.now(), () => {
      this.flushTimer = null;
      this.startFlush();
    });
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
      this.scheduleFlush();
    });
  }

  /**
   * Writes one batch of checks in ONE transaction: the rows locked in camera-id order
   * (two replicas' batches then never deadlock), the status machine stepped per check
   * in memory exactly as for a single check, then a handful of multi-row statements.
   * Events go out after the commit; if anything fails, nothing is written and every
   * caller of the batch gets the error. Never rejects itself.
   * (`synchronous_commit = off` for these transactions was measured and does not pay:
   * with one commit per batch the poller is bound by its CPU, not by commit flushes.)
   */
  private async flushChecks(batch: PendingCheck[]): Promise<void> {
    const outbox: Outbox = [];
    const settled: Array<() => void> = [];
    try {
      await this.tx(async (m) => {
        const rows = await this.lockCameras(m, batch.map((p) => p.cameraId));
        const at = this.clock.now();
        const w = new CheckWrites();
        for (const p of batch) {
          const row = rows.get(p.cameraId);
          if (row === undefined) {
            const err = new Error(`no camera with id ${p.cameraId}`);
            settled.push(() => p.reject(err));
            continue;
          }
          const applied = this.planCheck(w, outbox, row, p, at);
          settled.push(() => p.resolve(applied));
        }
        await w.write(m, at);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    outbox.forEach((f) => f());
    settled.forEach((f) => f());
  }

  /** The status machine's step for one check, added to the batch's writes and outbox. */
  private planCheck(w: CheckWrites, outbox: Outbox, row: CameraRow, p: PendingCheck, at: Date): AppliedCheck {
    const { result, opts } = p;
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
      w.schedule.push({ id: row.camera_id, nextAt: s.nextAt.toISOString(), failures: s.failures, ok: result.ok, error, owner: s.leaseOwner });
    }
    const reason = checkReason(step.next.status, step.next.cause, result);
    if (step.transition) w.statusEvents.push({ id: row.camera_id, status: step.next.status, source: opts.source, reason });
    this.announceCameraStep(outbox, row, step, at, reason, null);
    if (headingChanged) {
      const ptz = result.ptz;
      w.orientationEvents.push({ id: row.camera_id, heading: measured, pan: ptz?.pan ?? null, tilt: ptz?.tilt ?? null, zoom: ptz?.zoom ?? null });
      this.announceHeading(outbox, row, at, measured);
    }
    return { status: step.next.status, previous: row.status, transition: step.transition };
  }

  /** A non-check observation about one camera (maintenance start). */
  async applyCameraObservation(cameraId: number, o: CameraObservation, source: EventSource, reason: string): Promise<boolean> {
    const outbox: Outbox = [];
    const changed = await this.tx(async (m) => {
      const row = await this.lockCamera(m, cameraId);
      const step = stepCamera(machineState(row), o);
      const at = this.clock.now();
      await this.writeMachineState(m, cameraId, step.next, step.transition, at);
      await this.recordCameraStep(m, outbox, row, step, at, source, reason, null);
      return step.transition;
    });
    outbox.forEach((f) => f());
    return changed;
  }

  /**
   * A heading reported by MQTT (orientation topic, or a heartbeat's camera entry).
   * Recorded only beyond the noise threshold; answers whether it was.
   */
  async applyOrientation(
    cameraId: number,
    headingDeg: number,
    ptz: { pan: number | null; tilt: number | null },
    source: EventSource,
  ): Promise<boolean> {
    const outbox: Outbox = [];
    const changed = await this.tx(async (m) => {
      const row = await this.lockCamera(m, cameraId);
      if (headingDelta(headingDeg, row.heading_deg ?? row.registered_deg) <= HEADING_NOISE_DEG) return false;
      const at = this.clock.now();
      await m.query(`UPDATE camera_state SET heading_deg = $2 WHERE camera_id = $1`, [cameraId, headingDeg]);
      await this.recordHeading(m, outbox, row, at, headingDeg, ptz.pan, ptz.tilt, null, source);
      return true;
    });
    outbox.forEach((f) => f());
    return changed;
  }

  /**
   * A picture fault confirmed by the view module (src/view), or its end (issue null):
   * kept in camera_state.view_issue, where every later ONVIF check picks it up, and
   * applied to the status at once when the camera answers (online or degraded); it
   * opens or resolves that view_* alert through the same status history and events as
   * every other reason. Answers the status before and after.
   */
  async applyViewObservation(cameraId: number, issue: ViewIssue | null, source: EventSource): Promise<AppliedCheck> {
    const outbox: Outbox = [];
    const applied = await this.tx(async (m) => {
      const row = await this.lockCamera(m, cameraId);
      const at = this.clock.now();
      const step = stepCamera(machineState(row), { type: 'view', issue });
      await m.query(`UPDATE camera_state SET view_issue = $2 WHERE camera_id = $1`, [cameraId, issue]);
      if (step.transition || step.next.cause !== row.reason) await this.writeMachineState(m, cameraId, step.next, step.transition, at);
      const reason = step.next.status === 'online' ? 'picture ok' : (step.next.cause ?? step.next.status);
      await this.recordCameraStep(m, outbox, row, step, at, source, reason, null);
      return { status: step.next.status, previous: row.status, transition: step.transition };
    });
    outbox.forEach((f) => f());
    return applied;
  }

  /**
   * A station observation, with the cascade to its cameras: a station that goes down
   * takes its cameras offline attributed to it (one station_down alert, none per
   * camera); one that comes back has its cameras re-checked at once.
   */
  async applyStation(stationId: number, o: StationObservation, source: EventSource, details: { power?: string | null; tempC?: number | null } = {}): Promise<Status | null> {
    const outbox: Outbox = [];
    const result = await this.tx(async (m) => {
      await m.query(`INSERT INTO station_state (station_id, status) VALUES ($1, 'unknown') ON CONFLICT DO NOTHING`, [stationId]);
      const [row] = await m.query(
        `SELECT ss.status, st.code FROM station_state ss JOIN station st ON st.id = ss.station_id WHERE ss.station_id = $1 FOR UPDATE OF ss`,
        [stationId],
      );
      if (!row) return null;
      const at = this.clock.now();
      const step = stepStation(row.status, o);
      const seen = o.type === 'online' || o.type === 'heartbeat';
      await m.query(
        `UPDATE station_state SET status = $2, since = CASE WHEN $3 THEN $4::timestamptz ELSE since END,
           last_seen_at = CASE WHEN $5 THEN $4::timestamptz ELSE last_seen_at END,
           power = COALESCE($6, power), temp_c = COALESCE($7, temp_c)
         WHERE station_id = $1`,
        [stationId, step.next, step.transition, at, seen, details.power ?? null, details.tempC ?? null],
      );
      const reason = stationReason(o);
      if (step.transition) {
        await m.query(`INSERT INTO status_event (subject, subject_id, at, status, source, reason) VALUES ('station', $1, $2, $3, $4, $5)`, [
          stationId,
          at,
          step.next,
          source,
          reason,
        ]);
        const ev: StatusChangedEvent = { subject: 'station', id: stationId, code: row.code, status: step.next, previous: row.status, at, reason };
        outbox.push(() => this.bus.emit('status.changed', ev));
      }
      const cameraRows: CameraRow[] =
        step.cameras === null ? [] : await m.query(`${CAMERA_ROW_SQL} WHERE c.station_id = $1 ORDER BY cs.camera_id FOR UPDATE OF cs`, [stationId]);
      const taken: string[] = [];
      const recheck: number[] = [];
      for (const cam of cameraRows) {
        const cs = stepCamera(machineState(cam), { type: step.cameras! });
        if (cs.recheck) recheck.push(cam.camera_id);
        if (cs.transition || cs.next.pendingCount !== cam.pending_count) {
          await this.writeMachineState(m, cam.camera_id, cs.next, cs.transition, at);
        }
        if (cs.transition) taken.push(cam.code);
        await this.recordCameraStep(m, outbox, cam, cs, at, source, `station ${row.code} down`, row.code);
      }
      if (recheck.length > 0) await m.query(`UPDATE probe_schedule SET next_at = $2 WHERE camera_id = ANY($1) AND next_at > $2`, [recheck, at]);
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
    outbox.forEach((f) => f());
    return result;
  }

  /** Creates missing camera_state and station_state rows (cameras and stations added after the seed). */
  async ensureStateRows(): Promise<void> {
    await this.dataSource.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera ON CONFLICT DO NOTHING`);
    await this.dataSource.query(`INSERT INTO station_state (station_id) SELECT id FROM station ON CONFLICT DO NOTHING`);
  }

  /**
   * Locks the state rows of several cameras, in camera-id order; creates the missing
   * ones (cameras added since the last reconcile). Cameras that do not exist are absent
   * from the answer.
   */
  private async lockCameras(m: EntityManager, cameraIds: number[]): Promise<Map<number, CameraRow>> {
    const ids = [...new Set(cameraIds)].sort((a, b) => a - b);
    const lock = async (list: number[]) =>
      (await m.query(`${CAMERA_ROW_SQL} WHERE cs.camera_id = ANY($1::int[]) ORDER BY cs.camera_id FOR UPDATE OF cs`, [list])) as CameraRow[];
    const rows = new Map<number, CameraRow>();
    for (const r of await lock(ids)) rows.set(r.camera_id, r);
    const missing = ids.filter((id) => !rows.has(id));
    if (missing.length > 0) {
      await m.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera WHERE id = ANY($1::int[]) ON CONFLICT DO NOTHING`, [missing]);
      for (const r of await lock(missing)) rows.set(r.camera_id, r);
    }
    return rows;
  }

  private async lockCamera(m: EntityManager, cameraId: number): Promise<CameraRow> {
    const row = (await this.lockCameras(m, [cameraId])).get(cameraId);
    if (!row) throw new Error(`no camera with id ${cameraId}`);
    return row;
  }

  private async writeMachineState(m: EntityManager, cameraId: number, s: CameraMachineState, transition: boolean, at: Date): Promise<void> {
    await m.query(
      `UPDATE camera_state SET status = $2, reason = $3, pending_status = $4, pending_count = $5,
         since = CASE WHEN $6 THEN $7::timestamptz ELSE since END WHERE camera_id = $1`,
      [cameraId, s.status, s.cause, s.pendingStatus, s.pendingCount, transition, at],
    );
  }

  private async recordCameraStep(
    m: EntityManager,
    outbox: Outbox,
    row: CameraRow,
    step: { transition: boolean; next: CameraMachineState; alerts: AlertStep[] },
    at: Date,
    source: EventSource,
    reason: string,
    attributedTo: string | null,
  ): Promise<void> {
    if (step.transition) {
      await m.query(`INSERT INTO status_event (subject, subject_id, at, status, source, reason) VALUES ('camera', $1, $2, $3, $4, $5)`, [
        row.camera_id,
        at,
        step.next.status,
        source,
        reason,
      ]);
    }
    this.announceCameraStep(outbox, row, step, at, reason, attributedTo);
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

  private async recordHeading(
    m: EntityManager,
    outbox: Outbox,
    row: CameraRow,
    at: Date,
    heading: number | null,
    pan: number | null,
    tilt: number | null,
    zoom: number | null,
    source: string,
  ): Promise<void> {
    await m.query(`INSERT INTO orientation_event (camera_id, at, heading_deg, pan, tilt, zoom, source) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      row.camera_id,
      at,
      heading,
      pan,
      tilt,
      zoom,
      source,
    ]);
    this.announceHeading(outbox, row, at, heading);
  }

  private announceHeading(outbox: Outbox, row: CameraRow, at: Date, heading: number | null): void {
    const ev: HeadingChangedEvent = { cameraId: row.camera_id, code: row.code, headingDeg: heading, at };
    outbox.push(() => this.bus.emit('heading.changed', ev));
  }
}

/** What one batch of checks writes, one array per column (see CheckWrites.write). */
class CheckWrites {
  state: Array<{
    id: number;
    status: Status;
    reason: string | null;
    pendingStatus: Status | null;
    pendingCount: number;
    transition: boolean;
    ok: boolean;
    reachable: boolean;
    error: string | null;
    clockOffsetS: number | null;
    ptz: string | null;
    device: string | null;
    headingChanged: boolean;
    measured: number | null;
  }> = [];
  schedule: Array<{ id: number; nextAt: string; failures: number; ok: boolean; error: string | null; owner: string | null }> = [];
  statusEvents: Array<{ id: number; status: Status; source: EventSource; reason: string }> = [];
  orientationEvents: Array<{ id: number; heading: number | null; pan: number | null; tilt: number | null; zoom: number | null }> = [];

  /**
   * One multi-row statement per table, whatever the batch size. The SET expressions
   * are those of a single check's UPDATE, read from the batch's arrays (unnest).
   * Event rows are inserted in the batch's order, so their ids keep each camera's order.
   */
  async write(m: EntityManager, at: Date): Promise<void> {
    const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);
    const st = this.state;
    if (st.length > 0) {
      await m.query(
        `UPDATE camera_state cs SET status = v.status, reason = v.reason, pending_status = v.pending_status, pending_count = v.pending_count,
           since = CASE WHEN v.transition THEN $1::timestamptz ELSE cs.since END,
           last_check_at = $1, last_ok_at = CASE WHEN v.ok THEN $1::timestamptz ELSE cs.last_ok_at END,
           last_seen_at = CASE WHEN v.reachable THEN $1::timestamptz ELSE cs.last_seen_at END,
           last_error = v.last_error::jsonb,
           clock_offset_s = CASE WHEN v.reachable THEN v.clock_offset_s ELSE cs.clock_offset_s END,
           ptz = COALESCE(v.ptz::jsonb, cs.ptz), device = COALESCE(v.device::jsonb, cs.device),
           heading_deg = CASE WHEN v.heading_changed THEN v.heading_deg ELSE cs.heading_deg END
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bool[], $8::bool[], $9::bool[], $10::text[],
                     $11::float8[], $12::text[], $13::text[], $14::bool[], $15::float8[])
           AS v(camera_id, status, reason, pending_status, pending_count, transition, ok, reachable, last_error,
                clock_offset_s, ptz, device, heading_changed, heading_deg)
         WHERE cs.camera_id = v.camera_id`,
        [
          at,
          col(st, 'id'),
          col(st, 'status'),
          col(st, 'reason'),
          col(st, 'pendingStatus'),
          col(st, 'pendingCount'),
          col(st, 'transition'),
          col(st, 'ok'),
          col(st, 'reachable'),
          col(st, 'error'),
          col(st, 'clockOffsetS'),
          col(st, 'ptz'),
          col(st, 'device'),
          col(st, 'headingChanged'),
          col(st, 'measured'),
        ],
      );
    }
    const sc = this.schedule;
    if (sc.length > 0) {
      // Each row releases only a lease its own check's owner holds (or no lease at all).
      await m.query(
        `UPDATE probe_schedule ps SET next_at = v.next_at, failures = v.failures, lease_owner = NULL, lease_until = NULL,
           last_ok_at = CASE WHEN v.ok THEN $1::timestamptz ELSE ps.last_ok_at END, last_error = v.last_error::jsonb
         FROM unnest($2::int[], $3::timestamptz[], $4::int[], $5::bool[], $6::text[], $7::text[])
           AS v(camera_id, next_at, failures, ok, last_error, lease_owner)
         WHERE ps.camera_id = v.camera_id AND (v.lease_owner IS NULL OR ps.lease_owner = v.lease_owner OR ps.lease_owner IS NULL)`,
        [at, col(sc, 'id'), col(sc, 'nextAt'), col(sc, 'failures'), col(sc, 'ok'), col(sc, 'error'), col(sc, 'owner')],
      );
    }
    const se = this.statusEvents;
    if (se.length > 0) {
      await m.query(
        `INSERT INTO status_event (subject, subject_id, at, status, source, reason)
         SELECT 'camera', v.id, $1, v.status, v.source, v.reason
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS v(id, status, source, reason, n) ORDER BY v.n`,
        [at, col(se, 'id'), col(se, 'status'), col(se, 'source'), col(se, 'reason')],
      );
    }
    const oe = this.orientationEvents;
    if (oe.length > 0) {
      await m.query(
        `INSERT INTO orientation_event (camera_id, at, heading_deg, pan, tilt, zoom, source)
         SELECT v.id, $1, v.heading, v.pan, v.tilt, v.zoom, 'onvif'
         FROM unnest($2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[]) WITH ORDINALITY AS v(id, heading, pan, tilt, zoom, n) ORDER BY v.n`,
        [at, col(oe, 'id'), col(oe, 'heading'), col(oe, 'pan'), col(oe, 'tilt'), col(oe, 'zoom')],
      );
    }
  }
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

function stationReason(o: StationObservation): string {
  switch (o.type) {
    case 'will':
      return 'station offline (MQTT Will or status)';
    case 'silent':
      return 'station silent: no heartbeat for 90 s';
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
