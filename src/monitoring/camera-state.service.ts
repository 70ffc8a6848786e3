/**
 * Carries out the status machine's decisions: applies a check, an MQTT observation or
 * a maintenance window to camera_state / station_state, writes status_event on
 * transitions only and orientation_event on heading changes beyond 2°, and announces
 * every change on the EventBus (status.changed, heading.changed, alert.action).
 * Each application runs in one transaction holding the subject's row lock, so two
 * replicas (or the poller and the MQTT listener) never interleave on one camera.
 */
import { Inject, Injectable } from '@nestjs/common';
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
}

/** Events are emitted only after the transaction commits. */
type Outbox = Array<() => void>;

const CAMERA_ROW_SQL = `
  SELECT cs.camera_id, cs.status, cs.reason, cs.pending_status, cs.pending_count, cs.heading_deg,
         c.code, c.heading_deg AS registered_deg, c.station_id, st.code AS station_code, ss.status AS station_status
  FROM camera_state cs
  JOIN camera c ON c.id = cs.camera_id
  LEFT JOIN station st ON st.id = c.station_id
  LEFT JOIN station_state ss ON ss.station_id = c.station_id`;

@Injectable()
export class CameraStateService {
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

  /** Applies one ONVIF check to the camera; answers its status before and after. */
  async applyCheck(cameraId: number, result: ProbeResult, opts: CheckApplication): Promise<AppliedCheck> {
    const outbox: Outbox = [];
    const applied = await this.tx(async (m) => {
      const row = await this.lockCamera(m, cameraId);
      const at = this.clock.now();
      const measured = result.headingDeg;
      const heading = measured ?? row.heading_deg;
      const issues: CameraIssue[] = [];
      if (result.reachable) {
        if (result.error?.kind === 'auth') issues.push('auth_failed');
        else if (result.error !== null) issues.push('bad_reply');
        if (hasClockDrift(result.clockOffsetS)) issues.push('clock_drift');
        if (isTurned(heading, row.registered_deg)) issues.push('turned');
      }
      const step = stepCamera(machineState(row), {
        type: 'check',
        reachable: result.reachable,
        issues,
        stationDown: row.station_status === 'offline',
        inMaintenance: opts.inMaintenance,
      });
      const headingChanged = measured !== null && headingDelta(measured, row.heading_deg ?? row.registered_deg) > HEADING_NOISE_DEG;
      await m.query(
        `UPDATE camera_state SET status = $2, reason = $3, pending_status = $4, pending_count = $5,
           since = CASE WHEN $6 THEN $7::timestamptz ELSE since END,
           last_check_at = $7, last_ok_at = CASE WHEN $8 THEN $7::timestamptz ELSE last_ok_at END,
           last_seen_at = CASE WHEN $9 THEN $7::timestamptz ELSE last_seen_at END,
           last_error = $10::jsonb,
           clock_offset_s = CASE WHEN $9 THEN $11::float8 ELSE clock_offset_s END,
           ptz = COALESCE($12::jsonb, ptz), device = COALESCE($13::jsonb, device),
           heading_deg = CASE WHEN $14 THEN $15::float8 ELSE heading_deg END
         WHERE camera_id = $1`,
        [
          cameraId,
          step.next.status,
          step.next.cause,
          step.next.pendingStatus,
          step.next.pendingCount,
          step.transition,
          at,
          result.ok,
          result.reachable,
          result.error === null ? null : JSON.stringify(result.error),
          result.clockOffsetS,
          result.ptz === null ? null : JSON.stringify(result.ptz),
          result.device === null ? null : JSON.stringify(deviceJson(result.device)),
          headingChanged,
          measured,
        ],
      );
      if (opts.schedule) {
        const s = opts.schedule;
        await m.query(
          `UPDATE probe_schedule SET next_at = $2, failures = $3, lease_owner = NULL, lease_until = NULL,
             last_ok_at = CASE WHEN $4 THEN $5::timestamptz ELSE last_ok_at END, last_error = $6::jsonb
           WHERE camera_id = $1 AND ($7::text IS NULL OR lease_owner = $7 OR lease_owner IS NULL)`,
          [cameraId, s.nextAt, s.failures, result.ok, at, result.error === null ? null : JSON.stringify(result.error), s.leaseOwner],
        );
      }
      const reason = checkReason(step.next.status, step.next.cause, result);
      await this.recordCameraStep(m, outbox, row, step, at, opts.source, reason, null);
      if (headingChanged) {
        await this.recordHeading(m, outbox, row, at, measured, result.ptz?.pan ?? null, result.ptz?.tilt ?? null, result.ptz?.zoom ?? null, 'onvif');
      }
      return { status: step.next.status, previous: row.status, transition: step.transition };
    });
    outbox.forEach((f) => f());
    return applied;
  }

  /** A non-check observation about one camera (maintenance start). */
  async applyCameraObservation(cameraId: number, o: CameraObservation, source: EventSource, reason: string): Promise<boolean> {
    const outbox: Outbox = [];
    const changed = await this.tx(async (m) => {
      const row = await this.lockCamera(m, cameraId);
      const step = stepCamera(machineState(row), o);
      await this.writeMachineState(m, cameraId, step.next, step.transition, this.clock.now());
      await this.recordCameraStep(m, outbox, row, step, this.clock.now(), source, reason, null);
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

  private async lockCamera(m: EntityManager, cameraId: number): Promise<CameraRow> {
    let [row] = await m.query(`${CAMERA_ROW_SQL} WHERE cs.camera_id = $1 FOR UPDATE OF cs`, [cameraId]);
    if (!row) {
      await m.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera WHERE id = $1 ON CONFLICT DO NOTHING`, [cameraId]);
      [row] = await m.query(`${CAMERA_ROW_SQL} WHERE cs.camera_id = $1 FOR UPDATE OF cs`, [cameraId]);
      if (!row) throw new Error(`no camera with id ${cameraId}`);
    }
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
    const ev: HeadingChangedEvent = { cameraId: row.camera_id, code: row.code, headingDeg: heading, at };
    outbox.push(() => this.bus.emit('heading.changed', ev));
  }
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
