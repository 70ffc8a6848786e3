/**
 * The coverage held in memory: every camera's share of every route computed once
 * (installed: registered heading), a second share only for cameras whose last
 * known heading differs (turned), and the current status of each camera. A
 * status change is a set update; a heading change recomputes one camera; a
 * request is a re-merge of cached intervals, reconciled on the one road network
 * (a stretch two routes share is covered on both when a camera sees either).
 */
import { coveredLength, gaps, Interval, mergeIntervals, RoadNetwork, RouteCoverageIndex, RouteNetwork } from '../geo';
import type { Ownership } from '../inventory/camera.entity';
import type { Status } from '../domain/status';
import type { CoverageCameraRow, CoverageRouteRow } from './coverage.repository';
import type { GapDto, RouteCoverageDto } from './coverage.dto';

/** Statuses whose monitored cameras count as online coverage (DESIGN.md's "effective"). */
export const EFFECTIVE_STATUSES: ReadonlySet<Status> = new Set<Status>(['online', 'degraded']);
/** Headings closer than this to the registered one are the registered heading (sensor noise). */
const SAME_HEADING_DEG = 1e-6;

/** Registered private cameras: camnet does not monitor them, so they count as installed. */
export const PRIVATE_OWNERSHIPS: ReadonlySet<Ownership> = new Set<Ownership>(['citizen', 'business', 'household']);

export interface RouteUnion {
  ref: string;
  name: string;
  length_m: number;
  /** Every camera in service, with its registered heading. */
  installed: Interval[];
  /** Monitored cameras online or degraded now, with their last known heading (formerly "effective"). */
  effective: Interval[];
  /** Registered private cameras (citizen, business, household), registered heading. */
  private: Interval[];
}

/** Network totals: each shared stretch once. */
export interface NetworkCoverage {
  length_m: number;
  installed_m: number;
  online_monitored_m: number;
  private_registered_m: number;
}

export class CoverageState {
  readonly network: RouteNetwork;
  /** The routes as one road network: shared stretches found once, when the routes are read. */
  readonly road: RoadNetwork;
  readonly routes: CoverageRouteRow[];
  private readonly installed: RouteCoverageIndex<number>;
  private readonly turned: RouteCoverageIndex<number>;
  readonly cameras = new Map<number, CoverageCameraRow>();
  private readonly status = new Map<number, Status>();
  private readonly heading = new Map<number, number>();
  private changes = 0;

  constructor(routes: CoverageRouteRow[]) {
    this.routes = routes;
    this.network = new RouteNetwork(routes.map((r) => ({ ref: r.ref, name: r.name, coordinates: r.coordinates })));
    this.road = new RoadNetwork(this.network);
    this.installed = new RouteCoverageIndex(this.network);
    this.turned = new RouteCoverageIndex(this.network);
  }

  /**
   * Brings the camera set to `rows`: new or changed cameras are (re)computed,
   * missing ones dropped, unchanged ones keep their cached share. Answers how
   * many were recomputed.
   */
  syncCameras(rows: CoverageCameraRow[]): number {
    // Ownerships or communes may change without the geometry: any sync counts as a change.
    this.changes++;
    let computed = 0;
    const keep = new Set<number>();
    for (const row of rows) {
      keep.add(row.id);
      const old = this.cameras.get(row.id);
      this.cameras.set(row.id, row);
      if (old && sameGeometry(old, row)) continue;
      this.installed.upsertCamera({ id: row.id, lat: row.lat, lon: row.lon, headingDeg: row.headingDeg, fovDeg: row.fovDeg, rangeM: row.rangeM });
      this.updateTurned(row.id);
      computed++;
    }
    for (const id of [...this.cameras.keys()]) {
      if (keep.has(id)) continue;
      this.cameras.delete(id);
      this.installed.removeCamera(id);
      this.turned.removeCamera(id);
    }
    return computed;
  }

  /** A camera's status changed; false when the camera is unknown here (the inventory changed). */
  setStatus(id: number, status: Status): boolean {
    if (this.status.get(id) !== status) this.changes++;
    this.status.set(id, status);
    return this.cameras.has(id);
  }

  /** A camera's last known heading changed (null: unknown, the registered one applies). */
  setHeading(id: number, headingDeg: number | null): boolean {
    const known = this.cameras.has(id);
    if (known && this.heading.get(id) === (headingDeg ?? undefined)) return true;
    this.changes++;
    if (headingDeg === null) this.heading.delete(id);
    else this.heading.set(id, headingDeg);
    if (!known) return false;
    this.updateTurned(id);
    return true;
  }

  /** Goes up with every change that can move a figure (cameras synced, a status or heading changed): answers kept at one version still hold. */
  get version(): number {
    return this.changes;
  }

  statusOf(id: number): Status {
    return this.status.get(id) ?? 'unknown';
  }

  isEffective(id: number): boolean {
    return EFFECTIVE_STATUSES.has(this.statusOf(id));
  }

  /** Covered intervals per route (own chainage), installed, online and private, for cameras of the given ownerships. */
  union(ownerships: ReadonlySet<Ownership> | null): RouteUnion[] {
    const net = this.networkUnion(ownerships);
    const installed = this.road.perRoute(net.installed);
    const effective = this.road.perRoute(net.effective);
    const priv = this.road.perRoute(net.private);
    return this.routes.map((r, i) => ({
      ref: r.ref,
      name: r.name,
      length_m: this.network.routes[i].chainage.length,
      installed: installed[i],
      effective: effective[i],
      private: priv[i],
    }));
  }

  /** Totals over the one road network (each shared stretch once). */
  networkCoverage(ownerships: ReadonlySet<Ownership> | null): NetworkCoverage {
    const net = this.networkUnion(ownerships);
    return {
      length_m: this.road.lengthM,
      installed_m: this.road.coveredM(net.installed),
      online_monitored_m: this.road.coveredM(net.effective),
      private_registered_m: this.road.coveredM(net.private),
    };
  }

  /** Covered stretches in network (canonical) chainage. */
  private networkUnion(ownerships: ReadonlySet<Ownership> | null): { installed: Interval[][]; effective: Interval[][]; private: Interval[][] } {
    const owned = (id: number) => ownerships === null || ownerships.has(this.cameras.get(id)!.ownership);
    const intervals = (list: { intervals: Interval[] }[]) => list.map((u) => u.intervals);
    const installed = intervals(this.installed.union(owned));
    const straight = intervals(this.installed.union((id) => owned(id) && this.isEffective(id) && !this.turned.has(id)));
    const turned = intervals(this.turned.union((id) => owned(id) && this.isEffective(id)));
    const priv = intervals(this.installed.union((id) => owned(id) && PRIVATE_OWNERSHIPS.has(this.cameras.get(id)!.ownership)));
    return {
      installed: this.road.canonicalize(installed),
      effective: this.road.canonicalize(straight.map((list, i) => mergeIntervals([...list, ...turned[i]]))),
      private: this.road.canonicalize(priv),
    };
  }

  /** The DESIGN.md shape of GET /api/coverage/routes. */
  routeCoverage(ownerships: ReadonlySet<Ownership> | null, minGapM: number): RouteCoverageDto[] {
    return this.union(ownerships).map((u, i) => {
      const chainage = this.network.routes[i].chainage;
      const inst = coveredLength(u.installed);
      const eff = coveredLength(u.effective);
      const priv = coveredLength(u.private);
      const online = { covered_m: round1(eff), pct: pct(eff, u.length_m) };
      const routeGaps: GapDto[] = gaps(u.length_m, u.installed, minGapM).map((g) => ({
        from_m: round1(g.from_m),
        to_m: round1(g.to_m),
        length_m: round1(g.length_m),
        geometry: { type: 'LineString', coordinates: chainage.slice(g.from_m, g.to_m).map(([lon, lat]) => [round6(lon), round6(lat)] as [number, number]) },
      }));
      return {
        ref: u.ref,
        name: u.name,
        length_m: round1(u.length_m),
        installed: { covered_m: round1(inst), pct: pct(inst, u.length_m) },
        online_monitored: online,
        effective: online,
        private_registered: { covered_m: round1(priv), pct: pct(priv, u.length_m) },
        gaps: routeGaps,
      };
    });
  }

  private updateTurned(id: number): void {
    const cam = this.cameras.get(id);
    const h = this.heading.get(id);
    if (!cam || h === undefined || Math.abs(h - cam.headingDeg) < SAME_HEADING_DEG) {
      this.turned.removeCamera(id);
      return;
    }
    this.turned.upsertCamera({ id, lat: cam.lat, lon: cam.lon, headingDeg: h, fovDeg: cam.fovDeg, rangeM: cam.rangeM });
  }
}

function sameGeometry(a: CoverageCameraRow, b: CoverageCameraRow): boolean {
  return a.lat === b.lat && a.lon === b.lon && a.headingDeg === b.headingDeg && a.fovDeg === b.fovDeg && a.rangeM === b.rangeM;
}

/** Length of the overlap of two merged, sorted interval lists. */
export function overlapLength(a: readonly Interval[], b: readonly Interval[]): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (hi > lo) s += hi - lo;
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return s;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
export const pct = (m: number, len: number) => (len > 0 ? Math.round((m / len) * 10000) / 100 : 0);
