/**
 * The one reader of the cameras' status and heading history (status_event,
 * orientation_event): the status and heading in force at a time, and the changes
 * over a window. Incident search, uptime and the monitoring API all ask here, so
 * "the status in force at time t" is written once, with one query plan.
 * CameraStateRepository is the one writer of these tables.
 *
 * Every read is one statement for a whole set of cameras, never one per camera,
 * and its rows are typed from the entities (src/database/entity-columns.ts).
 *
 * Status reads apply the time camnet was not watching (monitor_session, the rule
 * in src/monitoring/unwatched.ts): inside a gap every camera's status is unknown
 * (reason camnet_not_watching), and the changes over a window open and close
 * each gap. The heading reads do not: a heading is the last one recorded, whose
 * geometry the search still reports.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ColumnProperty, entityColumns } from '../database/entity-columns';
import type { Status } from '../domain/status';
import { OrientationEvent, StatusEvent } from './monitoring.entities';
import { gapAt, gapJustBefore, maskUnwatched, UnwatchedGap, UNWATCHED_STATUS } from './unwatched';
import { UnwatchedTime, WatchedTime } from './watched-time';

/** A camera's status in force at a time, with the reason its transition gave. */
export type StatusAt = Pick<StatusEvent, 'status' | 'reason'>;
/** One status transition of a camera. */
export type StatusChange = Pick<StatusEvent, 'at' | 'status' | 'source' | 'reason'>;
/** One recorded turn of a camera (a null heading: the device gave no usable position). */
export type HeadingChange = Pick<OrientationEvent, 'at' | 'headingDeg' | 'pan' | 'tilt' | 'zoom' | 'source'>;

/** A camera's status over a window: what was in force as it opened (unknown without history), then every change inside it. */
export interface StatusOver {
  initial: Status;
  changes: StatusChange[];
}

/** A window [from, to), or [from, to] with `through`; `limit` caps the changes read in all. */
export interface HistoryWindow {
  from: Date;
  to: Date;
  through?: boolean;
  limit?: number;
}

/** What the search reads for a set of cameras at one time; a camera without history then is absent from each map. */
export interface HistoryAt {
  status: Map<number, StatusAt>;
  heading: Map<number, number>;
}

/** The history the repository reads; services depend on this, so a test can hand them an in-memory one. */
export interface StatusHistory {
  statusAt(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>>;
  statusBefore(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>>;
  headingAt(cameraIds: readonly number[], at: Date): Promise<Map<number, number>>;
  historyAt(cameraIds: readonly number[], at: Date): Promise<HistoryAt>;
  statusChanges(cameraIds: readonly number[], window: HistoryWindow): Promise<Map<number, StatusChange[]>>;
  statusOver(cameraIds: readonly number[], window: HistoryWindow): Promise<Map<number, StatusOver>>;
  headingChanges(cameraId: number, window: HistoryWindow): Promise<HeadingChange[]>;
  /** The times camnet was not watching that overlap [from, to] (unclipped, oldest first; `to` null: not watching since). */
  unwatched(from: Date, to: Date): Promise<UnwatchedGap[]>;
}

/** A LATERAL join read per camera id, and the columns it adds to the row. */
interface InForcePart {
  columns: string;
  join: string;
}

const se = entityColumns(StatusEvent);
const oe = entityColumns(OrientationEvent);

/**
 * The status in force: each camera's last transition at (`<=`) or strictly before
 * (`<`) the time $2, the newest id first among equal times; the cameras' ids are
 * `ids.id`. A LATERAL … LIMIT 1 walks the (subject, subject_id, at) index
 * backwards once per camera, so it stays an index lookup however long the
 * history grows (DISTINCT ON would scan each camera's whole history).
 */
const STATUS_AT = ['status', 'reason'] as const satisfies readonly ColumnProperty<StatusEvent>[];

const statusInForce = (cmp: '<=' | '<'): InForcePart => ({
  columns: STATUS_AT.map((p) => `e."${p}"`).join(', '),
  join: `LEFT JOIN LATERAL (
    SELECT ${se.select('x', ...STATUS_AT)} FROM ${se.table} x
     WHERE x.${se.col.subject} = 'camera' AND x.${se.col.subjectId} = ids.id AND x.${se.col.at} ${cmp} $2
     ORDER BY x.${se.col.at} DESC, x.${se.col.id} DESC LIMIT 1) e ON true`,
});

/** The heading in force at $2: the last orientation event at or before it, by the (camera_id, at) index. */
const headingInForce: InForcePart = {
  columns: `o."${'headingDeg' satisfies ColumnProperty<OrientationEvent>}"`,
  join: `LEFT JOIN LATERAL (
    SELECT ${oe.select('y', 'headingDeg')} FROM ${oe.table} y
     WHERE y.${oe.col.cameraId} = ids.id AND y.${oe.col.at} <= $2
     ORDER BY y.${oe.col.at} DESC, y.${oe.col.id} DESC LIMIT 1) o ON true`,
};

type InForceRow = { id: number } & { [K in keyof StatusAt]: StatusAt[K] | null } & { headingDeg?: number | null };

@Injectable()
export class StatusHistoryRepository implements StatusHistory {
  constructor(
    private readonly db: DataSource,
    @Inject(WatchedTime) private readonly watched: UnwatchedTime,
  ) {}

  /** The status in force at `at` (its last transition at or before it; unknown for all while camnet was not watching); cameras with none are absent. */
  async statusAt(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    const [rows, gaps] = await Promise.all([this.inForce(cameraIds, at, statusInForce('<=')), this.unwatched(at, at)]);
    return gapAt(gaps, at.getTime()) ? unwatchedFor(cameraIds) : statuses(rows);
  }

  /** The status in force just before `at` (its last transition strictly before it; unknown for all while camnet was not watching); cameras with none are absent. */
  async statusBefore(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    const [recorded, gaps] = await Promise.all([this.recordedBefore(cameraIds, at), this.unwatched(justBefore(at), at)]);
    return gapJustBefore(gaps, at.getTime()) ? unwatchedFor(cameraIds) : recorded;
  }

  /** The heading in force at `at` (its last orientation event at or before it); cameras with none, or an unknown heading then, are absent. */
  async headingAt(cameraIds: readonly number[], at: Date): Promise<Map<number, number>> {
    return headings(await this.inForce(cameraIds, at, headingInForce));
  }

  /** statusAt and headingAt together, in one statement (the incident search's latency) beside the sessions' one, run at once. */
  async historyAt(cameraIds: readonly number[], at: Date): Promise<HistoryAt> {
    const [rows, gaps] = await Promise.all([this.inForce(cameraIds, at, statusInForce('<='), headingInForce), this.unwatched(at, at)]);
    return { status: gapAt(gaps, at.getTime()) ? unwatchedFor(cameraIds) : statuses(rows), heading: headings(rows) };
  }

  /** Every status change of these cameras in the window, per camera, in the order they happened, with the gaps opened and closed. */
  async statusChanges(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusChange[]>> {
    const gaps = await this.unwatched(justBefore(w.from), w.to);
    if (gaps.length === 0) return this.recordedChanges(cameraIds, w);
    const over = await this.masked(cameraIds, w, gaps);
    return capChanges(new Map([...over].filter(([, o]) => o.changes.length > 0).map(([id, o]) => [id, o.changes])), w.limit);
  }

  /** Each camera's status over the window: the status in force as it opened and the changes inside it, with the gaps applied. */
  async statusOver(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusOver>> {
    const gaps = await this.unwatched(justBefore(w.from), w.to);
    const over = await this.masked(cameraIds, w, gaps);
    const capped = capChanges(new Map([...over].map(([id, o]) => [id, o.changes])), w.limit);
    return new Map(cameraIds.map((id) => [id, { initial: over.get(id)?.initial?.status ?? 'unknown', changes: capped.get(id) ?? [] }]));
  }

  async unwatched(from: Date, to: Date): Promise<UnwatchedGap[]> {
    return this.watched.gaps(from, to);
  }

  /** A camera's recorded turns in the window, in order. */
  async headingChanges(cameraId: number, w: HistoryWindow): Promise<HeadingChange[]> {
    return this.db.query(
      `SELECT ${oe.select('y', 'at', 'headingDeg', 'pan', 'tilt', 'zoom', 'source')} FROM ${oe.table} y
        WHERE y.${oe.col.cameraId} = $1 AND y.${oe.col.at} >= $2 AND y.${oe.col.at} ${w.through ? '<=' : '<'} $3
        ORDER BY y.${oe.col.at}, y.${oe.col.id}${limitClause(w)}`,
      [cameraId, w.from, w.to],
    );
  }

  /** The recorded status just before `at`, gaps not applied. */
  private async recordedBefore(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    return statuses(await this.inForce(cameraIds, at, statusInForce('<')));
  }

  /** The recorded changes in the window, gaps not applied (ids in ascending order, `limit` in all). */
  private async recordedChanges(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusChange[]>> {
    const out = new Map<number, StatusChange[]>();
    if (cameraIds.length === 0) return out;
    const rows: Array<Pick<StatusEvent, 'subjectId'> & StatusChange> = await this.db.query(
      `SELECT ${se.select('x', 'subjectId', 'at', 'status', 'source', 'reason')} FROM ${se.table} x
        WHERE x.${se.col.subject} = 'camera' AND x.${se.col.subjectId} = ANY($1::int[])
          AND x.${se.col.at} >= $2 AND x.${se.col.at} ${w.through ? '<=' : '<'} $3
        ORDER BY x.${se.col.subjectId}, x.${se.col.at}, x.${se.col.id}${limitClause(w)}`,
      [cameraIds, w.from, w.to],
    );
    for (const { subjectId, ...change } of rows) {
      let list = out.get(subjectId);
      if (!list) out.set(subjectId, (list = []));
      list.push(change);
    }
    return out;
  }

  /** Each camera's recorded status over the window with the gaps applied (uncapped beyond the recorded changes' limit). */
  private async masked(
    cameraIds: readonly number[],
    w: HistoryWindow,
    gaps: UnwatchedGap[],
  ): Promise<Map<number, { initial: StatusAt | null; changes: StatusChange[] }>> {
    const [initial, changes] = await Promise.all([this.recordedBefore(cameraIds, w.from), this.recordedChanges(cameraIds, w)]);
    const window = { from: w.from.getTime(), to: w.to.getTime(), through: w.through };
    const out = new Map(cameraIds.map((id) => [id, maskUnwatched(initial.get(id) ?? null, changes.get(id) ?? [], gaps, window)]));
    // Recorded changes cut by the limit: what lies past the cut was computed without the rest, so it is cut too.
    const read = [...changes.values()].reduce((n, l) => n + l.length, 0);
    if (w.limit !== undefined && read >= w.limit && changes.size > 0) {
      const lastId = Math.max(...changes.keys());
      const lastAt = changes.get(lastId)!.at(-1)!.at.getTime();
      for (const [id, o] of out) {
        if (id > lastId) o.changes = [];
        else if (id === lastId) o.changes = o.changes.filter((c) => c.at.getTime() <= lastAt);
      }
    }
    return out;
  }

  /** One row per camera id with what each part reads in force at `at`: one statement, whatever the number of cameras. */
  private async inForce(cameraIds: readonly number[], at: Date, ...parts: InForcePart[]): Promise<InForceRow[]> {
    if (cameraIds.length === 0) return [];
    return this.db.query(`SELECT ids.id, ${parts.map((p) => p.columns).join(', ')} FROM unnest($1::int[]) AS ids(id) ${parts.map((p) => p.join).join(' ')}`, [
      cameraIds,
      at,
    ]);
  }
}

function statuses(rows: InForceRow[]): Map<number, StatusAt> {
  const out = new Map<number, StatusAt>();
  for (const r of rows) if (r.status != null) out.set(Number(r.id), { status: r.status, reason: r.reason ?? null });
  return out;
}

function headings(rows: InForceRow[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) if (r.headingDeg != null) out.set(Number(r.id), Number(r.headingDeg));
  return out;
}

/** A millisecond before `t`: the gaps read for a status "just before t" must include one ending at t. */
const justBefore = (t: Date) => new Date(t.getTime() - 1);

/** Every camera unknown because camnet was not watching. */
function unwatchedFor(cameraIds: readonly number[]): Map<number, StatusAt> {
  return new Map(cameraIds.map((id) => [id, { ...UNWATCHED_STATUS }]));
}

/** The changes of the cameras in ascending id order, at most `limit` in all (the order the recorded changes are read in). */
function capChanges(byCamera: Map<number, StatusChange[]>, limit: number | undefined): Map<number, StatusChange[]> {
  const out = new Map<number, StatusChange[]>();
  let left = limit ?? Infinity;
  for (const id of [...byCamera.keys()].sort((a, b) => a - b)) {
    const list = byCamera.get(id)!;
    if (left <= 0 || list.length === 0) continue;
    out.set(id, list.slice(0, left));
    left -= Math.min(list.length, left);
  }
  return out;
}

function limitClause(w: HistoryWindow): string {
  if (w.limit === undefined) return '';
  if (!Number.isSafeInteger(w.limit) || w.limit < 1) throw new Error(`a history limit must be a positive integer, got ${w.limit}`);
  return ` LIMIT ${w.limit}`;
}
