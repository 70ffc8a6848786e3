/**
 * An in-memory StatusHistory: the cameras' status and orientation events in
 * arrays, read with the repository's rules (ties at one time go to the later
 * event) and the times camnet was not watching applied by the same rule
 * (src/monitoring/unwatched.ts). Service tests hand it to uptime, search and
 * monitoring instead of a database; test/support/status-history.contract.ts holds it to the same answers
 * as StatusHistoryRepository on PostgreSQL and PGlite.
 */
import type { Status } from '../../../src/domain/status';
import type {
  HeadingChange,
  HistoryAt,
  HistoryWindow,
  StatusAt,
  StatusChange,
  StatusHistory,
  StatusOver,
} from '../../../src/monitoring/status-history.repository';
import { gapAt, gapJustBefore, maskUnwatched, UnwatchedGap, unwatchedGaps, UNWATCHED_STATUS, WatchSpan } from '../../../src/monitoring/unwatched';

interface StoredStatus extends StatusChange {
  id: number;
  cameraId: number;
}
interface StoredHeading extends HeadingChange {
  id: number;
  cameraId: number;
}

const byTimeThenId = (a: { at: Date; id: number }, b: { at: Date; id: number }) => a.at.getTime() - b.at.getTime() || a.id - b.id;

export class InMemoryStatusHistory implements StatusHistory {
  private readonly statuses: StoredStatus[] = [];
  private readonly headings: StoredHeading[] = [];
  private readonly sessions: WatchSpan[] = [];
  private nextId = 1;

  /** Records that camnet watched over [from, to) (`to` null: still watching); with none, camnet is read as always watching. */
  addWatch(from: Date | number, to: Date | number | null): this {
    this.sessions.push({ from: +from, to: to === null ? null : +to });
    return this;
  }

  /** Forgets every watched span (camnet as before sessions were recorded). */
  clearWatches(): this {
    this.sessions.length = 0;
    return this;
  }

  async unwatched(from: Date, to: Date): Promise<UnwatchedGap[]> {
    return unwatchedGaps(this.sessions, from.getTime(), to.getTime());
  }

  /** Records a camera's status transition, as CameraStateRepository would (ids in insertion order). */
  addStatus(cameraId: number, at: Date | number, status: Status, more: { reason?: string | null; source?: StatusChange['source'] } = {}): this {
    this.statuses.push({ id: this.nextId++, cameraId, at: new Date(at), status, source: more.source ?? 'onvif', reason: more.reason ?? null });
    return this;
  }

  /** Records a camera's turn (a null heading: an unusable position). */
  addHeading(
    cameraId: number,
    at: Date | number,
    headingDeg: number | null,
    more: Partial<Pick<HeadingChange, 'pan' | 'tilt' | 'zoom' | 'source'>> = {},
  ): this {
    this.headings.push({
      id: this.nextId++,
      cameraId,
      at: new Date(at),
      headingDeg,
      pan: more.pan ?? null,
      tilt: more.tilt ?? null,
      zoom: more.zoom ?? null,
      source: more.source ?? 'onvif',
    });
    return this;
  }

  /** The earliest camera transition (what uptime's first activity day reads), or null. */
  firstStatusAt(): Date | null {
    return this.statuses.reduce<Date | null>((min, e) => (min === null || e.at < min ? e.at : min), null);
  }

  async statusAt(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    if (gapAt(await this.unwatched(at, at), at.getTime())) return unwatchedFor(cameraIds);
    return this.lastStatus(cameraIds, (e) => e.at.getTime() <= at.getTime());
  }

  async statusBefore(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    if (gapJustBefore(await this.unwatched(new Date(at.getTime() - 1), at), at.getTime())) return unwatchedFor(cameraIds);
    return this.recordedBefore(cameraIds, at);
  }

  private recordedBefore(cameraIds: readonly number[], at: Date): Map<number, StatusAt> {
    return this.lastStatus(cameraIds, (e) => e.at.getTime() < at.getTime());
  }

  async headingAt(cameraIds: readonly number[], at: Date): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const id of new Set(cameraIds)) {
      const last = this.headings
        .filter((e) => e.cameraId === id && e.at.getTime() <= at.getTime())
        .sort(byTimeThenId)
        .pop();
      if (last && last.headingDeg !== null) out.set(id, last.headingDeg);
    }
    return out;
  }

  async historyAt(cameraIds: readonly number[], at: Date): Promise<HistoryAt> {
    return { status: await this.statusAt(cameraIds, at), heading: await this.headingAt(cameraIds, at) };
  }

  async statusChanges(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusChange[]>> {
    const over = await this.statusOver(cameraIds, w);
    return new Map([...over].filter(([, o]) => o.changes.length > 0).map(([id, o]) => [id, o.changes]));
  }

  async statusOver(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusOver>> {
    // Every camera's whole masked list, in ascending id order, then `limit` in all: the repository's order.
    const gaps = await this.unwatched(new Date(w.from.getTime() - 1), w.to);
    const initial = this.recordedBefore(cameraIds, w.from);
    const window = { from: w.from.getTime(), to: w.to.getTime(), through: w.through };
    const masked = new Map(
      [...new Set(cameraIds)].map((id) => {
        const recorded = this.statuses
          .filter((e) => e.cameraId === id && inWindow(e.at, w))
          .sort(byTimeThenId)
          .map(({ id: _id, cameraId: _c, ...change }) => change);
        return [id, maskUnwatched(initial.get(id) ?? null, recorded, gaps, window)] as const;
      }),
    );
    let left = w.limit ?? Infinity;
    const capped = new Map<number, StatusChange[]>();
    for (const id of [...masked.keys()].sort((a, b) => a - b)) {
      capped.set(id, masked.get(id)!.changes.slice(0, Math.max(left, 0)));
      left -= capped.get(id)!.length;
    }
    return new Map(cameraIds.map((id) => [id, { initial: masked.get(id)!.initial?.status ?? 'unknown', changes: capped.get(id)! }]));
  }

  async headingChanges(cameraId: number, w: HistoryWindow): Promise<HeadingChange[]> {
    return this.headings
      .filter((e) => e.cameraId === cameraId && inWindow(e.at, w))
      .sort(byTimeThenId)
      .slice(0, w.limit)
      .map(({ id: _id, cameraId: _c, ...change }) => change);
  }

  private lastStatus(cameraIds: readonly number[], before: (e: StoredStatus) => boolean): Map<number, StatusAt> {
    const out = new Map<number, StatusAt>();
    for (const id of new Set(cameraIds)) {
      const last = this.statuses
        .filter((e) => e.cameraId === id && before(e))
        .sort(byTimeThenId)
        .pop();
      if (last) out.set(id, { status: last.status, reason: last.reason });
    }
    return out;
  }
}

function unwatchedFor(cameraIds: readonly number[]): Map<number, StatusAt> {
  return new Map(cameraIds.map((id) => [id, { ...UNWATCHED_STATUS }]));
}

function inWindow(at: Date, w: HistoryWindow): boolean {
  const t = at.getTime();
  return t >= w.from.getTime() && (w.through ? t <= w.to.getTime() : t < w.to.getTime());
}
