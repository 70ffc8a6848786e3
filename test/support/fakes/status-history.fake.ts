/**
 * An in-memory StatusHistory: the cameras' status and orientation events in
 * arrays, read with the repository's rules (ties at one time go to the later
 * event). Service tests hand it to uptime, search and monitoring instead of a
 * database; test/support/status-history.contract.ts holds it to the same answers
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
  private nextId = 1;

  /** Records a camera's status transition, as CameraStateRepository would (ids in insertion order). */
  addStatus(cameraId: number, at: Date | number, status: Status, more: { reason?: string | null; source?: StatusChange['source'] } = {}): this {
    this.statuses.push({ id: this.nextId++, cameraId, at: new Date(at), status, source: more.source ?? 'onvif', reason: more.reason ?? null });
    return this;
  }

  /** Records a camera's turn (a null heading: an unusable position). */
  addHeading(cameraId: number, at: Date | number, headingDeg: number | null, more: Partial<Pick<HeadingChange, 'pan' | 'tilt' | 'zoom' | 'source'>> = {}): this {
    this.headings.push({ id: this.nextId++, cameraId, at: new Date(at), headingDeg, pan: more.pan ?? null, tilt: more.tilt ?? null, zoom: more.zoom ?? null, source: more.source ?? 'onvif' });
    return this;
  }

  /** The earliest camera transition (what uptime's first activity day reads), or null. */
  firstStatusAt(): Date | null {
    return this.statuses.reduce<Date | null>((min, e) => (min === null || e.at < min ? e.at : min), null);
  }

  async statusAt(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    return this.lastStatus(cameraIds, (e) => e.at.getTime() <= at.getTime());
  }

  async statusBefore(cameraIds: readonly number[], at: Date): Promise<Map<number, StatusAt>> {
    return this.lastStatus(cameraIds, (e) => e.at.getTime() < at.getTime());
  }

  async headingAt(cameraIds: readonly number[], at: Date): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const id of new Set(cameraIds)) {
      const last = this.headings.filter((e) => e.cameraId === id && e.at.getTime() <= at.getTime()).sort(byTimeThenId).pop();
      if (last && last.headingDeg !== null) out.set(id, last.headingDeg);
    }
    return out;
  }

  async historyAt(cameraIds: readonly number[], at: Date): Promise<HistoryAt> {
    return { status: await this.statusAt(cameraIds, at), heading: await this.headingAt(cameraIds, at) };
  }

  async statusChanges(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusChange[]>> {
    const ids = new Set(cameraIds);
    const rows = this.statuses
      .filter((e) => ids.has(e.cameraId) && inWindow(e.at, w))
      .sort((a, b) => a.cameraId - b.cameraId || byTimeThenId(a, b))
      .slice(0, w.limit);
    const out = new Map<number, StatusChange[]>();
    for (const { id: _id, cameraId, ...change } of rows) {
      let list = out.get(cameraId);
      if (!list) out.set(cameraId, (list = []));
      list.push(change);
    }
    return out;
  }

  async statusOver(cameraIds: readonly number[], w: HistoryWindow): Promise<Map<number, StatusOver>> {
    const [initial, changes] = [await this.statusBefore(cameraIds, w.from), await this.statusChanges(cameraIds, w)];
    return new Map(cameraIds.map((id) => [id, { initial: initial.get(id)?.status ?? 'unknown', changes: changes.get(id) ?? [] }]));
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
      const last = this.statuses.filter((e) => e.cameraId === id && before(e)).sort(byTimeThenId).pop();
      if (last) out.set(id, { status: last.status, reason: last.reason });
    }
    return out;
  }
}

function inWindow(at: Date, w: HistoryWindow): boolean {
  const t = at.getTime();
  return t >= w.from.getTime() && (w.through ? t <= w.to.getTime() : t < w.to.getTime());
}
