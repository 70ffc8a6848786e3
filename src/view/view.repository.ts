/**
 * The SQL of picture health: camera_view (latest view, schedule and lease),
 * camera_view_reference and camera_view_check. The one writer of those tables.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ViewMetrics } from './view.analyser';
import type { StoredViewState, ViewMachineState } from './view.persistence';

export interface ViewTargetRow {
  camera_id: number;
  code: string;
  ownership: string;
  onvif_url: string | null;
  onvif_user: string | null;
  onvif_secret_enc: string | null;
  fov_deg: number | null;
  retired_on: string | null;
}

export interface StoredView extends ViewMachineState {
  since: Date | null;
  checkedAt: Date | null;
  frozenRun: number;
  frame: Buffer | null;
}

export interface StoredReference {
  slot: 'day' | 'night';
  takenAt: Date;
  setBy: string;
  scalars: Record<string, number>;
  vectors: Buffer;
}

export interface ViewWrite {
  cameraId: number;
  at: Date;
  step: ViewMachineState;
  changed: boolean;
  /** The state recorded in the history (what this snapshot showed). */
  observed: StoredViewState;
  metrics: ViewMetrics | Record<string, unknown> | null;
  error: { kind: string; message: string } | null;
  frozenRun: number;
  thumbnail: Buffer | null;
  frame: Buffer | null;
  nextAt: Date;
  /** Release only a lease this owner holds; null releases whatever lease there is. */
  leaseOwner: string | null;
}

const TARGET_COLUMNS = `c.id AS camera_id, c.code, c.ownership, c.onvif_url, c.onvif_user, c.onvif_secret_enc, c.fov_deg, c.retired_on`;

@Injectable()
export class ViewRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Keeps camera_view in step with the inventory: every station camera with an ONVIF
   * address is watched, its first snapshot spread over one interval; private cameras are
   * never fetched, so they have no row.
   */
  async reconcile(now: Date, intervalS: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO camera_view (camera_id, next_at)
       SELECT c.id, $1::timestamptz + random() * $2::int * interval '1 second'
       FROM camera c WHERE c.ownership = 'station' AND c.onvif_url IS NOT NULL AND c.retired_on IS NULL
       ON CONFLICT (camera_id) DO NOTHING`,
      [now, intervalS],
    );
    await this.dataSource.query(
      `DELETE FROM camera_view cv USING camera c
       WHERE c.id = cv.camera_id AND (c.ownership <> 'station' OR c.onvif_url IS NULL OR c.retired_on IS NOT NULL)`,
    );
  }

  /** The row of one camera checked on request before the loop reached it (its schedule starts now). */
  async ensureRow(cameraId: number): Promise<void> {
    await this.dataSource.query(`INSERT INTO camera_view (camera_id, next_at) VALUES ($1, now()) ON CONFLICT (camera_id) DO NOTHING`, [cameraId]);
  }

  /** Leases up to n due cameras (FOR UPDATE SKIP LOCKED), like the ONVIF checks. */
  async lease(n: number, owner: string, now: Date, leaseUntil: Date): Promise<ViewTargetRow[]> {
    return this.dataSource.query(
      `WITH picked AS (
         SELECT cv.camera_id FROM camera_view cv
         WHERE cv.next_at <= $1 AND (cv.lease_until IS NULL OR cv.lease_until < $1)
         ORDER BY cv.next_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       leased AS (
         UPDATE camera_view cv SET lease_owner = $3, lease_until = $4 FROM picked
         WHERE cv.camera_id = picked.camera_id RETURNING cv.camera_id)
       SELECT ${TARGET_COLUMNS} FROM leased l JOIN camera c ON c.id = l.camera_id`,
      [now, n, owner, leaseUntil],
    );
  }

  /** When the next camera can be leased: its snapshot is due and any lease on it has run out. */
  async nextDueAt(): Promise<number | null> {
    const [{ due }] = await this.dataSource.query(`SELECT min(GREATEST(next_at, COALESCE(lease_until, next_at))) AS due FROM camera_view`);
    return due === null ? null : new Date(due).getTime();
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.dataSource.query(`UPDATE camera_view SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [owner]);
  }

  async target(code: string): Promise<ViewTargetRow | null> {
    const [row] = await this.dataSource.query(`SELECT ${TARGET_COLUMNS} FROM camera c WHERE c.code = $1`, [code]);
    return row ?? null;
  }

  async state(cameraId: number): Promise<StoredView | null> {
    const [r] = await this.dataSource.query(
      `SELECT cv.state, cv.pending_state, cv.pending_count, cv.since, cv.checked_at, cv.frozen_run, cv.frame
       FROM camera_view cv WHERE cv.camera_id = $1`,
      [cameraId],
    );
    if (!r) return null;
    return {
      state: r.state,
      pendingState: r.pending_state,
      pendingCount: r.pending_count,
      since: r.since,
      checkedAt: r.checked_at,
      frozenRun: r.frozen_run,
      frame: r.frame,
    };
  }

  async references(cameraId: number): Promise<StoredReference[]> {
    const rows = await this.dataSource.query(`SELECT slot, taken_at, set_by, scalars, vectors FROM camera_view_reference WHERE camera_id = $1`, [cameraId]);
    return rows.map((r: { slot: 'day' | 'night'; taken_at: Date; set_by: string; scalars: Record<string, number>; vectors: Buffer }) => ({
      slot: r.slot,
      takenAt: r.taken_at,
      setBy: r.set_by,
      scalars: r.scalars,
      vectors: r.vectors,
    }));
  }

  /**
   * Stores a reference for one light. `onlyIfAbsent` (the automatic first reference)
   * never replaces one a technician set, even if another replica got there first.
   */
  async saveReference(
    cameraId: number,
    slot: 'day' | 'night',
    at: Date,
    setBy: string,
    thumbnail: Buffer,
    scalars: Record<string, number>,
    vectors: Buffer,
    onlyIfAbsent: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO camera_view_reference (camera_id, slot, taken_at, set_by, thumbnail, scalars, vectors)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (camera_id, slot) DO ${onlyIfAbsent ? 'NOTHING' : 'UPDATE SET taken_at = EXCLUDED.taken_at, set_by = EXCLUDED.set_by, thumbnail = EXCLUDED.thumbnail, scalars = EXCLUDED.scalars, vectors = EXCLUDED.vectors'}`,
      [cameraId, slot, at, setBy, thumbnail, JSON.stringify(scalars), vectors],
    );
  }

  /** Drops the other light's reference (a technician re-aimed the camera: the old night view is stale too). */
  async dropReference(cameraId: number, slot: 'day' | 'night'): Promise<void> {
    await this.dataSource.query(`DELETE FROM camera_view_reference WHERE camera_id = $1 AND slot = $2`, [cameraId, slot]);
  }

  /**
   * One snapshot's outcome: the view row and a history row, in one statement (so atomic,
   * and one round trip instead of a transaction's four: a snapshot is written every
   * half-second in Long An). A leased check writes only while it still holds its lease:
   * a reference set meanwhile (which releases the lease) makes its verdict, judged
   * against the old reference, stale, and it is dropped (answers false).
   */
  async saveCheck(w: ViewWrite): Promise<boolean> {
    const written = await this.dataSource.query(
      `WITH updated AS (
         UPDATE camera_view SET state = $2, pending_state = $3, pending_count = $4,
           since = CASE WHEN $5 OR since IS NULL THEN $6::timestamptz ELSE since END, checked_at = $6,
           metrics = COALESCE($7::jsonb, metrics), error = $8::jsonb, frozen_run = $9,
           thumbnail = COALESCE($10, thumbnail), frame = COALESCE($11, frame),
           next_at = $12, lease_owner = NULL, lease_until = NULL
         WHERE camera_id = $1 AND ($13::text IS NULL OR lease_owner = $13)
         RETURNING camera_id)
       INSERT INTO camera_view_check (camera_id, at, state, metrics)
       SELECT camera_id, $6, $14, $15::jsonb FROM updated
       RETURNING camera_id`,
      [
        w.cameraId,
        w.step.state,
        w.step.pendingState,
        w.step.pendingCount,
        w.changed,
        w.at,
        w.metrics === null ? null : JSON.stringify(w.metrics),
        w.error === null ? null : JSON.stringify(w.error),
        w.frozenRun,
        w.thumbnail,
        w.frame,
        w.nextAt,
        w.leaseOwner,
        w.observed,
        JSON.stringify(w.error === null ? w.metrics : { ...(w.metrics ?? {}), error: w.error }),
      ],
    );
    return written.length > 0;
  }

  /** The view as the API shows it. */
  async view(code: string): Promise<{
    camera_id: number;
    state: string;
    since: Date | null;
    checked_at: Date | null;
    metrics: Record<string, unknown> | null;
    error: Record<string, unknown> | null;
    pending_state: string | null;
    pending_count: number;
    status: string | null;
    reason: string | null;
    references: Array<{ slot: string; taken_at: Date; set_by: string }> | null;
  } | null> {
    const [r] = await this.dataSource.query(
      `SELECT cv.camera_id, cv.state, cv.since, cv.checked_at, cv.metrics, cv.error, cv.pending_state, cv.pending_count,
              cs.status, cs.reason,
              (SELECT json_agg(json_build_object('slot', r.slot, 'taken_at', r.taken_at, 'set_by', r.set_by) ORDER BY r.slot)
               FROM camera_view_reference r WHERE r.camera_id = cv.camera_id) AS "references"
       FROM camera c JOIN camera_view cv ON cv.camera_id = c.id LEFT JOIN camera_state cs ON cs.camera_id = c.id
       WHERE c.code = $1`,
      [code],
    );
    return r ?? null;
  }

  async currentThumbnail(cameraId: number): Promise<Buffer | null> {
    const [r] = await this.dataSource.query(`SELECT thumbnail FROM camera_view WHERE camera_id = $1`, [cameraId]);
    return r?.thumbnail ?? null;
  }

  async referenceThumbnail(cameraId: number, slot: 'day' | 'night' | null): Promise<Buffer | null> {
    const [r] = await this.dataSource.query(
      `SELECT thumbnail FROM camera_view_reference WHERE camera_id = $1 AND ($2::text IS NULL OR slot = $2) ORDER BY slot = 'day' DESC LIMIT 1`,
      [cameraId, slot],
    );
    return r?.thumbnail ?? null;
  }

  /** The metrics history older than `before` goes. */
  async prune(before: Date): Promise<number> {
    const r = await this.dataSource.query(`WITH d AS (DELETE FROM camera_view_check WHERE at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [before]);
    return r[0]?.n ?? 0;
  }

  async history(cameraId: number, limit: number): Promise<Array<{ at: Date; state: string; metrics: Record<string, unknown> | null }>> {
    return this.dataSource.query(`SELECT at, state, metrics FROM camera_view_check WHERE camera_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, [cameraId, limit]);
  }
}
