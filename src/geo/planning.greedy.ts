/**
 * Where to put the next camera stations for a budget: candidate sites every
 * siteSpacingM along the routes, each with cameras along (and across) the road;
 * repeatedly take the site that newly covers the most route length (all stations
 * cost the same, so most metres per VND is most metres) until the money runs out
 * or no site adds anything. New coverage can only shrink as stations are added
 * (it is submodular), so a stale gain is an upper bound and the lazy greedy with
 * a max-heap picks exactly what the plain greedy would, recomputing few gains.
 */
import { initialBearingDeg, normalizeDeg } from './geo.math';
import { addInterval, coveredLength, Interval, mergeIntervals, uncoveredLengthWithin } from './interval.math';
import { RouteInput, RouteInterval, RouteNetwork } from './route-network';

export interface PlanningInput {
  routes: readonly RouteInput[] | RouteNetwork;
  /** Stretches already covered, per route ref (any order, may overlap). */
  existing: ReadonlyMap<string, readonly Interval[]> | Readonly<Record<string, readonly Interval[]>>;
  budgetVnd: number;
  costPerStationVnd: number;
  camerasPerStation: number;
  fovDeg: number;
  rangeM: number;
  /** Distance between candidate sites along a route; default 100 m. */
  siteSpacingM?: number;
  /** Refs of the routes sites may be put on (default: all); gains count on every route. */
  siteRoutes?: readonly string[];
}

export interface ProposedCamera {
  heading_deg: number;
  fov_deg: number;
  range_m: number;
}

export interface ProposedStation {
  lat: number;
  lon: number;
  route_ref: string;
  chainage_m: number;
  cameras: ProposedCamera[];
  cost_vnd: number;
  /** Route length this station newly covers, given the stations before it. */
  gain_m: number;
}

export interface RoutePlanSummary {
  ref: string;
  length_m: number;
  covered_before_m: number;
  covered_after_m: number;
  pct_before: number;
  pct_after: number;
}

export interface PlanningResult {
  stations: ProposedStation[];
  total_cost_vnd: number;
  total_length_m: number;
  covered_before_m: number;
  covered_after_m: number;
  coverage_before_pct: number;
  coverage_after_pct: number;
  routes: RoutePlanSummary[];
}

/** A site adding less than this is treated as adding nothing (float residue). */
const MIN_GAIN_M = 1e-6;
/** Half-length of the stretch whose direction is "the road's heading" at a site. */
const TANGENT_HALF_M = 10;

/**
 * Headings for n cameras on a road running at `roadDeg`: both ways along it
 * first (a road is watched along its length), then across, then evenly spread.
 */
export function stationHeadings(roadDeg: number, n: number): number[] {
  if (n <= 0) return [];
  if (n >= 5) return Array.from({ length: n }, (_, k) => normalizeDeg(roadDeg + (360 * k) / n));
  return [0, 180, 90, 270].slice(0, n).map((o) => normalizeDeg(roadDeg + o));
}

interface Site {
  routeIndex: number;
  chainage: number;
  lat: number;
  lon: number;
  cameras: ProposedCamera[];
  share: RouteInterval[];
}

/** Max-heap of (gain, site) with ties broken by the lower site index, for determinism. */
class GainHeap {
  private readonly gains: number[] = [];
  private readonly sites: number[] = [];

  get size(): number {
    return this.gains.length;
  }

  peekGain(): number {
    return this.gains[0];
  }

  private above(i: number, j: number): boolean {
    return this.gains[i] > this.gains[j] || (this.gains[i] === this.gains[j] && this.sites[i] < this.sites[j]);
  }

  private swap(i: number, j: number): void {
    [this.gains[i], this.gains[j]] = [this.gains[j], this.gains[i]];
    [this.sites[i], this.sites[j]] = [this.sites[j], this.sites[i]];
  }

  push(gain: number, site: number): void {
    this.gains.push(gain);
    this.sites.push(site);
    let i = this.gains.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): { gain: number; site: number } {
    const top = { gain: this.gains[0], site: this.sites[0] };
    const lastGain = this.gains.pop()!;
    const lastSite = this.sites.pop()!;
    if (this.gains.length > 0) {
      this.gains[0] = lastGain;
      this.sites[0] = lastSite;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.gains.length && this.above(l, m)) m = l;
        if (r < this.gains.length && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

export function planStations(input: PlanningInput): PlanningResult {
  if (!(input.costPerStationVnd > 0)) {
    throw new Error(`cost per station must be a positive number of VND, got ${input.costPerStationVnd}`);
  }
  const network = input.routes instanceof RouteNetwork ? input.routes : new RouteNetwork(input.routes);
  const spacing = input.siteSpacingM ?? 100;
  if (!(spacing > 0)) throw new Error(`site spacing must be positive, got ${spacing}`);
  const routes = network.routes;
  const existingFor = (ref: string): readonly Interval[] =>
    (input.existing instanceof Map ? input.existing.get(ref) : (input.existing as Record<string, Interval[]>)[ref]) ??
    [];

  const covered: Interval[][] = routes.map((r) => mergeIntervals(existingFor(r.ref)));
  const coveredBefore = covered.map((list) => coveredLength(list));

  const siteRoutes = input.siteRoutes ? new Set(input.siteRoutes) : null;
  const sites: Site[] = [];
  routes.forEach((route, routeIndex) => {
    if (siteRoutes && !siteRoutes.has(route.ref)) return;
    const c = route.chainage;
    const count = Math.floor(c.length / spacing);
    for (let k = 0; k <= count; k++) {
      const chainage = Math.min(c.length, k * spacing);
      const p = c.pointAt(chainage);
      const a = c.pointAt(chainage - TANGENT_HALF_M);
      const b = c.pointAt(chainage + TANGENT_HALF_M);
      const road = initialBearingDeg(a.lat, a.lon, b.lat, b.lon);
      const cameras = stationHeadings(road, input.camerasPerStation).map((h) => ({
        heading_deg: h,
        fov_deg: input.fovDeg,
        range_m: input.rangeM,
      }));
      const all: RouteInterval[] = [];
      for (const cam of cameras) {
        all.push(
          ...network.cameraIntervals({ lat: p.lat, lon: p.lon, headingDeg: cam.heading_deg, fovDeg: cam.fov_deg, rangeM: cam.range_m }),
        );
      }
      sites.push({ routeIndex, chainage, lat: p.lat, lon: p.lon, cameras, share: mergeShare(all) });
    }
  });

  const gainOf = (site: Site): number => {
    let g = 0;
    for (const s of site.share) g += uncoveredLengthWithin(covered[s.routeIndex], s.from_m, s.to_m);
    return g;
  };

  const heap = new GainHeap();
  sites.forEach((s, i) => {
    const g = gainOf(s);
    if (g > MIN_GAIN_M) heap.push(g, i);
  });

  const maxStations = Math.max(0, Math.floor((input.budgetVnd + 1e-9) / input.costPerStationVnd));
  const stations: ProposedStation[] = [];
  while (stations.length < maxStations && heap.size > 0) {
    const { site: si } = heap.pop();
    const site = sites[si];
    const gain = gainOf(site);
    if (gain <= MIN_GAIN_M) continue;
    if (heap.size > 0 && gain < heap.peekGain()) {
      heap.push(gain, si);
      continue;
    }
    for (const s of site.share) covered[s.routeIndex] = addInterval(covered[s.routeIndex], [s.from_m, s.to_m]);
    stations.push({
      lat: site.lat,
      lon: site.lon,
      route_ref: routes[site.routeIndex].ref,
      chainage_m: site.chainage,
      cameras: site.cameras,
      cost_vnd: input.costPerStationVnd,
      gain_m: gain,
    });
  }

  const coveredAfter = covered.map((list) => coveredLength(list));
  const totalLength = network.totalLength;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const pct = (m: number, len: number) => (len > 0 ? (m / len) * 100 : 0);
  return {
    stations,
    total_cost_vnd: stations.length * input.costPerStationVnd,
    total_length_m: totalLength,
    covered_before_m: sum(coveredBefore),
    covered_after_m: sum(coveredAfter),
    coverage_before_pct: pct(sum(coveredBefore), totalLength),
    coverage_after_pct: pct(sum(coveredAfter), totalLength),
    routes: routes.map((r, i) => ({
      ref: r.ref,
      length_m: r.chainage.length,
      covered_before_m: coveredBefore[i],
      covered_after_m: coveredAfter[i],
      pct_before: pct(coveredBefore[i], r.chainage.length),
      pct_after: pct(coveredAfter[i], r.chainage.length),
    })),
  };
}

/** Per-route merge of a station's camera shares (its cameras overlap at the pole). */
function mergeShare(all: RouteInterval[]): RouteInterval[] {
  const byRoute = new Map<number, Interval[]>();
  for (const s of all) {
    let list = byRoute.get(s.routeIndex);
    if (!list) byRoute.set(s.routeIndex, (list = []));
    list.push([s.from_m, s.to_m]);
  }
  const out: RouteInterval[] = [];
  for (const [routeIndex, list] of byRoute) {
    for (const [from_m, to_m] of mergeIntervals(list)) out.push({ routeIndex, from_m, to_m });
  }
  return out;
}
