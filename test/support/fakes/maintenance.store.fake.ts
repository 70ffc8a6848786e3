/**
 * An in-memory MaintenanceStore: windows in an array, and the few facts about
 * places the coverage rule reads (each camera's station and communes, each
 * station's communes, the 2019 communes' districts, and the monitored cameras'
 * and stations' current status). MaintenanceService's and AlertService's unit
 * specs use it instead of a database; test/support/maintenance-store.contract.ts
 * holds it to the same answers as MaintenanceRepository on PostgreSQL and PGlite.
 */
import type { Status } from '../../../src/domain/status';
import type { MaintenanceFields, MaintenanceRow, MaintenanceScope, MaintenanceStore, StationLeaving } from '../../../src/monitoring/maintenance.repository';

export interface FakeCamera {
  id: number;
  code: string;
  stationCode: string | null;
  communeCode: string | null;
  communeCode2025: string | null;
  /** Its current status when it is monitored (has a state and a schedule); absent: not monitored. */
  status?: Status;
}

export interface FakeStation {
  id: number;
  code: string;
  communeCode: string | null;
  communeCode2025: string | null;
  /** Its current status when camnet tracks it; absent: no state yet. */
  status?: Status;
  lastSeenAt?: Date | null;
}

interface Place {
  camera: string | null;
  station: string | null;
  commune2019: string | null;
  commune2025: string | null;
}

export class InMemoryMaintenanceStore implements MaintenanceStore {
  readonly windows: MaintenanceRow[] = [];
  readonly cameras: FakeCamera[] = [];
  readonly stations: FakeStation[] = [];
  /** "layout:level:code" → parent code. */
  private readonly units = new Map<string, string | null>();
  private nextId = 1;

  addCamera(c: FakeCamera): this {
    this.cameras.push({ ...c });
    return this;
  }

  addStation(s: FakeStation): this {
    this.stations.push({ ...s });
    return this;
  }

  /** An administrative unit; districts exist in the 2019 layout only. */
  addUnit(layout: '2019' | '2025-07', level: 'district' | 'commune', code: string, parent: string | null = null): this {
    this.units.set(`${layout}:${level}:${code}`, parent);
    return this;
  }

  /** Sets a monitored camera's or a station's status, as the state service would. */
  setStatus(kind: 'camera' | 'station', id: number, status: Status): void {
    const list: Array<FakeCamera | FakeStation> = kind === 'camera' ? this.cameras : this.stations;
    const place = list.find((p) => p.id === id);
    if (!place) throw new Error(`no ${kind} ${id}`);
    place.status = status;
  }

  async find(id: number): Promise<MaintenanceRow | null> {
    const w = this.windows.find((x) => x.id === id);
    return w ? copy(w) : null;
  }

  async insert(f: MaintenanceFields, by: string | null): Promise<MaintenanceRow> {
    const w: MaintenanceRow = { id: this.nextId++, ...f, startsAt: new Date(f.startsAt), endsAt: new Date(f.endsAt), createdBy: by, updatedAt: null };
    this.windows.push(w);
    return copy(w);
  }

  async update(id: number, f: MaintenanceFields, at: Date): Promise<MaintenanceRow> {
    const w = this.windows.find((x) => x.id === id);
    if (!w) throw new Error(`no window ${id}`);
    Object.assign(w, { ...f, startsAt: new Date(f.startsAt), endsAt: new Date(f.endsAt), updatedAt: new Date(at) });
    return copy(w);
  }

  async delete(id: number): Promise<void> {
    const i = this.windows.findIndex((x) => x.id === id);
    if (i >= 0) this.windows.splice(i, 1);
  }

  async list(at: Date, active: boolean): Promise<MaintenanceRow[]> {
    if (active)
      return this.inForce(at)
        .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id)
        .map(copy);
    return [...this.windows]
      .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime() || b.id - a.id)
      .slice(0, 1000)
      .map(copy);
  }

  async overlapping(f: MaintenanceFields, exceptId: number | null): Promise<MaintenanceRow | null> {
    const hit = this.windows
      .filter((w) => w.scope === f.scope && w.scopeId === f.scopeId && w.startsAt < f.endsAt && w.endsAt > f.startsAt && w.id !== exceptId)
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
    return hit ? copy(hit) : null;
  }

  async scopeExists(scope: MaintenanceScope, id: string): Promise<boolean> {
    if (scope === 'camera') return this.cameras.some((c) => c.code === id);
    if (scope === 'station') return this.stations.some((s) => s.code === id);
    return [...this.units.keys()].some((k) => k.endsWith(`:${scope}:${id}`));
  }

  async activeKeys(at: Date): Promise<string[]> {
    const keys = new Set<string>();
    for (const w of this.inForce(at)) {
      keys.add(`${w.scope}:${w.scopeId}`);
      if (w.scope !== 'district') continue;
      for (const [k, parent] of this.units)
        if (k.startsWith('2019:commune:') && parent === w.scopeId) keys.add(`commune2019:${k.slice('2019:commune:'.length)}`);
    }
    return [...keys];
  }

  async coversSubject(subject: string, at: Date): Promise<boolean> {
    const i = subject.indexOf(':');
    const [type, code] = i < 0 ? ['', subject] : [subject.slice(0, i), subject.slice(i + 1)];
    if (type === 'camera') return this.covered(at, this.cameraPlace(code));
    if (type === 'station') {
      const s = this.stations.find((x) => x.code === code);
      return this.covered(at, { camera: null, station: code, commune2019: s?.communeCode ?? null, commune2025: s?.communeCode2025 ?? null });
    }
    return false;
  }

  async camerasEntering(at: Date): Promise<number[]> {
    return this.cameras
      .filter((c) => c.status !== undefined && c.status !== 'maintenance' && this.covered(at, this.cameraPlace(c.code)))
      .map((c) => c.id)
      .sort((a, b) => a - b);
  }

  async stationsEntering(at: Date): Promise<number[]> {
    return this.stations
      .filter((s) => s.status !== undefined && s.status !== 'maintenance' && this.covered(at, stationPlace(s)))
      .map((s) => s.id)
      .sort((a, b) => a - b);
  }

  async stationsLeaving(at: Date, seenSince: Date): Promise<StationLeaving[]> {
    return this.stations
      .filter((s) => s.status === 'maintenance' && !this.covered(at, stationPlace(s)))
      .sort((a, b) => a.id - b.id)
      .map((s) => ({ id: s.id, recent: s.lastSeenAt != null && s.lastSeenAt >= seenSince }));
  }

  private inForce(at: Date): MaintenanceRow[] {
    return this.windows.filter((w) => w.startsAt <= at && w.endsAt > at);
  }

  private cameraPlace(code: string): Place {
    const c = this.cameras.find((x) => x.code === code);
    return { camera: code, station: c?.stationCode ?? null, commune2019: c?.communeCode ?? null, commune2025: c?.communeCode2025 ?? null };
  }

  /** The coverage rule, as MaintenanceRepository's `covers` writes it in SQL. */
  private covered(at: Date, p: Place): boolean {
    const district = p.commune2019 === null ? undefined : this.units.get(`2019:commune:${p.commune2019}`);
    return this.inForce(at).some(
      (w) =>
        (w.scope === 'camera' && w.scopeId === p.camera) ||
        (w.scope === 'station' && w.scopeId === p.station) ||
        (w.scope === 'commune' && (w.scopeId === p.commune2019 || w.scopeId === p.commune2025)) ||
        (w.scope === 'district' && district != null && w.scopeId === district),
    );
  }
}

const stationPlace = (s: FakeStation): Place => ({ camera: null, station: s.code, commune2019: s.communeCode, commune2025: s.communeCode2025 });

function copy(w: MaintenanceRow): MaintenanceRow {
  return { ...w, startsAt: new Date(w.startsAt), endsAt: new Date(w.endsAt), updatedAt: w.updatedAt && new Date(w.updatedAt) };
}
