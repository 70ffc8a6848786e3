/**
 * The one place that writes camera_state, station_state and status_event (and the
 * orientation_event and probe_schedule rows a check or a station cascade moves).
 * CameraStateService decides; this class holds the SQL. One lock order for every
 * transaction that touches both tables: camera_state rows first, in camera-id
 * order, then station_state rows, in station-id order. Heartbeat flushes, check
 * batches, Wills and sweeps of two replicas then queue behind each other instead
 * of deadlocking.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ViewIssue } from '../domain/alert';
import type { Status } from '../domain/status';

export type EventSource = 'onvif' | 'mqtt' | 'manual' | 'system';

export interface CameraRow {
  camera_id: number;
  status: Status;
  since: Date | null;
  reason: string | null;
  pending_status: Status | null;
  pending_count: number;
  heading_deg: number | null;
  code: string;
  registered_deg: number;
  station_id: number | null;
  station_code: string | null;
  station_status: Status | null;
  /** The picture fault the view module last confirmed (see CameraStateService.applyViewObservation). */
  view_issue: ViewIssue | null;
}

export interface StationRow {
  status: Status;
  code: string;
  since: Date | null;
  last_seen_at: Date | null;
}

export interface StatusEventRow {
  subject: 'camera' | 'station';
  id: number;
  at: Date;
  status: Status;
  source: EventSource;
  reason: string;
}

export interface OrientationEventRow {
  id: number;
  at: Date;
  heading: number | null;
  pan: number | null;
  tilt: number | null;
  zoom: number | null;
  source: EventSource;
}

/** A camera_state row after a check (see writeCheckStates). */
export interface CheckStateRow {
  id: number;
  at: Date;
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
}

export interface ScheduleRow {
  id: number;
  at: Date;
  nextAt: Date;
  failures: number;
  ok: boolean;
  error: string | null;
  /** Release only a lease this owner holds; null releases whatever lease there is. */
  owner: string | null;
}

export interface StationHeartbeat {
  id: number;
  at: Date;
  power: string;
  tempC: number | null;
}

const CAMERA_ROW_SQL = `
  SELECT cs.camera_id, cs.status, cs.since, cs.reason, cs.pending_status, cs.pending_count, cs.heading_deg, cs.view_issue,
         c.code, c.heading_deg AS registered_deg, c.station_id, st.code AS station_code, ss.status AS station_status
  FROM camera_state cs
  JOIN camera c ON c.id = cs.camera_id
  LEFT JOIN station st ON st.id = c.station_id
  LEFT JOIN station_state ss ON ss.station_id = c.station_id`;

const iso = (d: Date) => d.toISOString();

/**
 * What CameraStateService reads and writes, over a transaction handle `Tx` it only
 * hands back (TypeORM's EntityManager here). The in-memory fake in test/support/fakes/
 * answers the same; test/support/camera-state-store.contract.ts holds both to it.
 */
export interface CameraStateStore<Tx = EntityManager> {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  ensureStateRows(): Promise<void>;
  lockCameras(tx: Tx, cameraIds: number[]): Promise<Map<number, CameraRow>>;
  stationCameraIds(tx: Tx, stationId: number): Promise<number[]>;
  lockStation(tx: Tx, stationId: number): Promise<StationRow | null>;
  updateStation(
    tx: Tx,
    stationId: number,
    u: { status: Status; transition: boolean; at: Date; seen: boolean; power: string | null; tempC: number | null },
  ): Promise<void>;
  updateCameraMachineState(
    tx: Tx,
    cameraId: number,
    s: { status: Status; cause: string | null; pendingStatus: Status | null; pendingCount: number },
    transition: boolean,
    at: Date,
  ): Promise<void>;
  setCameraHeading(tx: Tx, cameraId: number, headingDeg: number): Promise<void>;
  setCameraViewIssue(tx: Tx, cameraId: number, issue: ViewIssue | null): Promise<void>;
  viewIssue(cameraId: number): Promise<ViewIssue | null>;
  checkSoon(tx: Tx, cameraIds: number[], at: Date): Promise<void>;
  insertStatusEvents(tx: Tx, rows: StatusEventRow[]): Promise<void>;
  insertOrientationEvents(tx: Tx, rows: OrientationEventRow[]): Promise<void>;
  writeCheckStates(tx: Tx, rows: CheckStateRow[]): Promise<void>;
  releaseSchedules(tx: Tx, rows: ScheduleRow[]): Promise<void>;
  recordHeartbeats(tx: Tx, stations: StationHeartbeat[], cameras: Array<{ id: number; at: Date }>): Promise<void>;
  onlineStationsNotSeenSince(cutoff: Date): Promise<number[]>;
  stationStatuses(): Promise<Map<number, Status>>;
}

@Injectable()
export class CameraStateRepository implements CameraStateStore<EntityManager> {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** Creates missing camera_state and station_state rows (cameras and stations added after the seed). */
  async ensureStateRows(): Promise<void> {
    await this.dataSource.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera ON CONFLICT DO NOTHING`);
    await this.dataSource.query(`INSERT INTO station_state (station_id) SELECT id FROM station ON CONFLICT DO NOTHING`);
  }

  /**
   * Locks the state rows of several cameras, in camera-id order; creates the missing
   * ones (cameras added since the last reconcile). Cameras that do not exist are absent.
   */
  async lockCameras(m: EntityManager, cameraIds: number[]): Promise<Map<number, CameraRow>> {
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

  /** The ids of a station's cameras, unlocked (to lock them, in order, before the station). */
  async stationCameraIds(m: EntityManager, stationId: number): Promise<number[]> {
    const rows: { id: number }[] = await m.query(`SELECT id FROM camera WHERE station_id = $1 ORDER BY id`, [stationId]);
    return rows.map((r) => r.id);
  }

  /** Locks one station's state row (creating it if missing); null when the station does not exist. */
  async lockStation(m: EntityManager, stationId: number): Promise<StationRow | null> {
    await m.query(`INSERT INTO station_state (station_id, status) SELECT id, 'unknown' FROM station WHERE id = $1 ON CONFLICT DO NOTHING`, [stationId]);
    const [row] = await m.query(
      `SELECT ss.status, st.code, ss.since, ss.last_seen_at FROM station_state ss JOIN station st ON st.id = ss.station_id
       WHERE ss.station_id = $1 FOR UPDATE OF ss`,
      [stationId],
    );
    return row ?? null;
  }

  async updateStation(
    m: EntityManager,
    stationId: number,
    u: { status: Status; transition: boolean; at: Date; seen: boolean; power: string | null; tempC: number | null },
  ): Promise<void> {
    await m.query(
      `UPDATE station_state SET status = $2, since = CASE WHEN $3 THEN $4::timestamptz ELSE since END,
         last_seen_at = CASE WHEN $5 THEN GREATEST(last_seen_at, $4::timestamptz) ELSE last_seen_at END,
         power = COALESCE($6, power), temp_c = COALESCE($7, temp_c)
       WHERE station_id = $1`,
      [stationId, u.status, u.transition, iso(u.at), u.seen, u.power, u.tempC],
    );
  }

  async updateCameraMachineState(
    m: EntityManager,
    cameraId: number,
    s: { status: Status; cause: string | null; pendingStatus: Status | null; pendingCount: number },
    transition: boolean,
    at: Date,
  ): Promise<void> {
    await m.query(
      `UPDATE camera_state SET status = $2, reason = $3, pending_status = $4, pending_count = $5,
         since = CASE WHEN $6 THEN $7::timestamptz ELSE since END WHERE camera_id = $1`,
      [cameraId, s.status, s.cause, s.pendingStatus, s.pendingCount, transition, iso(at)],
    );
  }

  async setCameraHeading(m: EntityManager, cameraId: number, headingDeg: number): Promise<void> {
    await m.query(`UPDATE camera_state SET heading_deg = $2 WHERE camera_id = $1`, [cameraId, headingDeg]);
  }

  /** The picture fault the view module confirmed (null: the picture is fine again); row already locked. */
  async setCameraViewIssue(m: EntityManager, cameraId: number, issue: ViewIssue | null): Promise<void> {
    await m.query(`UPDATE camera_state SET view_issue = $2 WHERE camera_id = $1`, [cameraId, issue]);
  }

  /** The picture fault camera_state holds for a camera (null: none, or no such camera). */
  async viewIssue(cameraId: number): Promise<ViewIssue | null> {
    const [r] = (await this.dataSource.query(`SELECT view_issue FROM camera_state WHERE camera_id = $1`, [cameraId])) as Array<{
      view_issue: ViewIssue | null;
    }>;
    return r?.view_issue ?? null;
  }

  /** Cameras whose station came back are checked at once. */
  async checkSoon(m: EntityManager, cameraIds: number[], at: Date): Promise<void> {
    if (cameraIds.length === 0) return;
    await m.query(`UPDATE probe_schedule SET next_at = $2 WHERE camera_id = ANY($1) AND next_at > $2`, [cameraIds, iso(at)]);
  }

  /** The one insert of status transitions; rows go in the given order, so ids keep each subject's order. */
  async insertStatusEvents(m: EntityManager, rows: StatusEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof StatusEventRow>(k: K) => rows.map((r) => r[k]);
    await m.query(
      `INSERT INTO status_event (subject, subject_id, at, status, source, reason)
       SELECT v.subject, v.id, v.at, v.status, v.source, v.reason
       FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
         AS v(subject, id, at, status, source, reason, n) ORDER BY v.n`,
      [col('subject'), col('id'), rows.map((r) => iso(r.at)), col('status'), col('source'), col('reason')],
    );
  }

  async insertOrientationEvents(m: EntityManager, rows: OrientationEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof OrientationEventRow>(k: K) => rows.map((r) => r[k]);
    await m.query(
      `INSERT INTO orientation_event (camera_id, at, heading_deg, pan, tilt, zoom, source)
       SELECT v.id, v.at, v.heading, v.pan, v.tilt, v.zoom, v.source
       FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::text[]) WITH ORDINALITY
         AS v(id, at, heading, pan, tilt, zoom, source, n) ORDER BY v.n`,
      [col('id'), rows.map((r) => iso(r.at)), col('heading'), col('pan'), col('tilt'), col('zoom'), col('source')],
    );
  }

  /**
   * A batch of checks' camera_state rows in one statement (rows already locked). The
   * SET expressions are those of a single check's UPDATE, read from the batch's arrays.
   */
  async writeCheckStates(m: EntityManager, st: CheckStateRow[]): Promise<void> {
    if (st.length === 0) return;
    const col = <K extends keyof CheckStateRow>(k: K) => st.map((r) => r[k]);
    await m.query(
      `UPDATE camera_state cs SET status = v.status, reason = v.reason, pending_status = v.pending_status, pending_count = v.pending_count,
         since = CASE WHEN v.transition THEN v.at ELSE cs.since END,
         last_check_at = v.at, last_ok_at = CASE WHEN v.ok THEN v.at ELSE cs.last_ok_at END,
         last_seen_at = CASE WHEN v.reachable THEN GREATEST(cs.last_seen_at, v.at) ELSE cs.last_seen_at END,
         last_error = v.last_error::jsonb,
         clock_offset_s = CASE WHEN v.reachable THEN v.clock_offset_s ELSE cs.clock_offset_s END,
         ptz = COALESCE(v.ptz::jsonb, cs.ptz), device = COALESCE(v.device::jsonb, cs.device),
         heading_deg = CASE WHEN v.heading_changed THEN v.heading_deg ELSE cs.heading_deg END
       FROM unnest($1::int[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bool[], $8::bool[], $9::bool[], $10::text[],
                   $11::float8[], $12::text[], $13::text[], $14::bool[], $15::float8[])
         AS v(camera_id, at, status, reason, pending_status, pending_count, transition, ok, reachable, last_error,
              clock_offset_s, ptz, device, heading_changed, heading_deg)
       WHERE cs.camera_id = v.camera_id`,
      [
        col('id'),
        st.map((r) => iso(r.at)),
        col('status'),
        col('reason'),
        col('pendingStatus'),
        col('pendingCount'),
        col('transition'),
        col('ok'),
        col('reachable'),
        col('error'),
        col('clockOffsetS'),
        col('ptz'),
        col('device'),
        col('headingChanged'),
        col('measured'),
      ],
    );
  }

  /** Moves the checked cameras' schedule rows on; each releases only a lease its own check's owner holds (or none). */
  async releaseSchedules(m: EntityManager, sc: ScheduleRow[]): Promise<void> {
    if (sc.length === 0) return;
    const col = <K extends keyof ScheduleRow>(k: K) => sc.map((r) => r[k]);
    await m.query(
      `UPDATE probe_schedule ps SET next_at = v.next_at, failures = v.failures, lease_owner = NULL, lease_until = NULL,
         last_ok_at = CASE WHEN v.ok THEN v.at ELSE ps.last_ok_at END, last_error = v.last_error::jsonb
       FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::bool[], $6::text[], $7::text[])
         AS v(camera_id, at, next_at, failures, ok, last_error, lease_owner)
       WHERE ps.camera_id = v.camera_id AND (v.lease_owner IS NULL OR ps.lease_owner = v.lease_owner OR ps.lease_owner IS NULL)`,
      [col('id'), sc.map((r) => iso(r.at)), sc.map((r) => iso(r.nextAt)), col('failures'), col('ok'), col('error'), col('owner')],
    );
  }

  /**
   * Heartbeats' last-seen times: camera rows locked in id order, then station rows in
   * id order (the house lock order), then one UPDATE per table. last_seen_at never
   * moves back (a late retry of an older heartbeat changes nothing).
   */
  async recordHeartbeats(m: EntityManager, stations: StationHeartbeat[], cameras: Array<{ id: number; at: Date }>): Promise<void> {
    const cams = [...cameras].sort((a, b) => a.id - b.id);
    const sts = [...stations].sort((a, b) => a.id - b.id);
    if (cams.length > 0) {
      const ids = cams.map((c) => c.id);
      await m.query(`SELECT camera_id FROM camera_state WHERE camera_id = ANY($1::int[]) ORDER BY camera_id FOR UPDATE`, [ids]);
      await m.query(
        `UPDATE camera_state c SET last_seen_at = GREATEST(c.last_seen_at, v.at)
         FROM unnest($1::int[], $2::timestamptz[]) AS v(id, at) WHERE c.camera_id = v.id`,
        [ids, cams.map((c) => iso(c.at))],
      );
    }
    if (sts.length > 0) {
      const ids = sts.map((s) => s.id);
      await m.query(`SELECT station_id FROM station_state WHERE station_id = ANY($1::int[]) ORDER BY station_id FOR UPDATE`, [ids]);
      await m.query(
        `UPDATE station_state s SET last_seen_at = GREATEST(s.last_seen_at, v.at), power = v.power, temp_c = COALESCE(v.temp_c, s.temp_c)
         FROM unnest($1::int[], $2::timestamptz[], $3::text[], $4::float8[]) AS v(id, at, power, temp_c)
         WHERE s.station_id = v.id`,
        [ids, sts.map((s) => iso(s.at)), sts.map((s) => s.power), sts.map((s) => s.tempC)],
      );
    }
  }

  /** Online stations last heard before `cutoff` (candidates only: the sweep re-reads each under its lock). */
  async onlineStationsNotSeenSince(cutoff: Date): Promise<number[]> {
    const rows: { station_id: number }[] = await this.dataSource.query(
      `SELECT station_id FROM station_state WHERE status = 'online' AND last_seen_at < $1 ORDER BY station_id`,
      [iso(cutoff)],
    );
    return rows.map((r) => r.station_id);
  }

  async stationStatuses(): Promise<Map<number, Status>> {
    const rows: { station_id: number; status: Status }[] = await this.dataSource.query(`SELECT station_id, status FROM station_state`);
    return new Map(rows.map((r) => [r.station_id, r.status]));
  }
}
