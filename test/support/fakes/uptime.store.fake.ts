/**
 * An in-memory UptimeStore: cameras with their scope codes, stations, admin units,
 * maintenance windows, rollup rows and the rollup watermark, read with
 * UptimeRepository's rules. The status history itself is an InMemoryStatusHistory,
 * shared with the services under test. UptimeRepository's SQL keeps its own tests
 * on both databases (test/uptime/).
 */
import type { InMemoryStatusHistory } from './status-history.fake';
import type { CameraFilter, MaintenanceRow, RollupRow, RollupSums, ScopedCamera, UptimeStore } from '../../../src/uptime/uptime.repository';

export interface FakeCamera extends ScopedCamera {
  stationId?: number | null;
  /** YYYY-MM-DD, or null. */
  retiredOn?: string | null;
}

type Level = 'district' | 'commune';

export class InMemoryUptimeStore implements UptimeStore {
  readonly cameraList: FakeCamera[] = [];
  readonly stations = new Map<string, { id: number; name: string }>();
  readonly units: Array<{ layout: '2019' | '2025-07'; level: Level; code: string; name: string; parent: string | null }> = [];
  readonly windows: MaintenanceRow[] = [];
  /** Rollup rows by `${subjectId}:${day}`, replaced on upsert as the SQL's ON CONFLICT does. */
  readonly rollups = new Map<string, RollupRow>();
  private watermark: string | null = null;

  constructor(private readonly history: InMemoryStatusHistory) {}

  addCamera(c: FakeCamera): this {
    this.cameraList.push(c);
    return this;
  }

  addStation(code: string, id: number, name = code): this {
    this.stations.set(code, { id, name });
    return this;
  }

  addUnit(layout: '2019' | '2025-07', level: Level, code: string, parent: string | null = null, name = code): this {
    this.units.push({ layout, level, code, name, parent });
    return this;
  }

  addMaintenance(scope: MaintenanceRow['scope'], scopeId: string, from: number, to: number): this {
    this.windows.push({ scope, scopeId, from, to });
    return this;
  }

  async cameras(filter: CameraFilter, activeOn: string | null = null): Promise<ScopedCamera[]> {
    const match = (c: FakeCamera): boolean => {
      switch (filter.by) {
        case 'camera':
          return c.code === filter.code;
        case 'station':
          return c.stationId === filter.stationId;
        case 'commune':
          return (filter.layout === '2025-07' ? c.communeCode2025 : c.communeCode) === filter.code;
        case 'district':
          return c.districtCode === filter.code;
        case 'all':
          return true;
      }
    };
    const active = (c: FakeCamera) => activeOn === null || filter.by === 'camera' || !c.retiredOn || c.retiredOn > activeOn;
    return this.cameraList
      .filter((c) => match(c) && active(c))
      .sort((a, b) => a.id - b.id)
      .map(({ stationId: _s, retiredOn: _r, ...c }) => ({ ...c, districtCode: c.districtCode ?? null, monitored: c.monitored ?? true }));
  }

  async stationId(code: string): Promise<number | null> {
    return this.stations.get(code)?.id ?? null;
  }

  async adminUnitExists(layout: '2019' | '2025-07', level: Level, code: string): Promise<boolean> {
    return this.units.some((u) => u.layout === layout && u.level === level && u.code === code);
  }

  async maintenance(from: Date, to: Date): Promise<MaintenanceRow[]> {
    return this.windows.filter((w) => w.from < to.getTime() && w.to > from.getTime());
  }

  async rollupSums(cameraIds: number[], fromDay: string, toDay: string): Promise<RollupSums> {
    const sums: RollupSums = { online: 0, offline: 0, degraded: 0, maintenance: 0, known: 0 };
    for (const s of (await this.rollupSumsByCamera(cameraIds, fromDay, toDay)).values()) {
      for (const k of Object.keys(sums) as (keyof RollupSums)[]) sums[k] += s[k];
    }
    return sums;
  }

  async rollupSumsByCamera(cameraIds: number[], fromDay: string, toDay: string): Promise<Map<number, RollupSums>> {
    const ids = new Set(cameraIds);
    const out = new Map<number, RollupSums>();
    // Whole milliseconds per row before summing, as the SQL rounds.
    const ms = (s: number) => Math.round(s * 1000);
    for (const r of this.rollups.values()) {
      if (!ids.has(r.subjectId) || r.day < fromDay || r.day >= toDay) continue;
      const t = out.get(r.subjectId) ?? { online: 0, offline: 0, degraded: 0, maintenance: 0, known: 0 };
      t.online += ms(r.onlineS);
      t.offline += ms(r.offlineS);
      t.degraded += ms(r.degradedS);
      t.maintenance += ms(r.maintenanceS);
      t.known += ms(r.knownS);
      out.set(r.subjectId, t);
    }
    return out;
  }

  async names(): Promise<{ communes: Map<string, { name: string; district: string | null }>; districts: Map<string, string>; stations: Map<string, string> }> {
    const in2019 = this.units.filter((u) => u.layout === '2019');
    return {
      communes: new Map(in2019.filter((u) => u.level === 'commune').map((u) => [u.code, { name: u.name, district: u.parent }])),
      districts: new Map(in2019.filter((u) => u.level === 'district').map((u) => [u.code, u.name])),
      stations: new Map([...this.stations].map(([code, s]) => [code, s.name])),
    };
  }

  async upsertRollups(rows: RollupRow[]): Promise<void> {
    for (const r of rows) this.rollups.set(`${r.subjectId}:${r.day}`, { ...r });
  }

  async firstActivityDay(): Promise<string | null> {
    const first = this.history.firstStatusAt()?.getTime();
    const starts = this.windows.map((w) => w.from);
    const all = [...(first === undefined ? [] : [first]), ...starts];
    return all.length === 0 ? null : new Date(Math.min(...all)).toISOString().slice(0, 10);
  }

  async rolledThrough(): Promise<string | null> {
    return this.watermark;
  }

  async setRolledThrough(day: string | null): Promise<void> {
    this.watermark = day;
  }
}
