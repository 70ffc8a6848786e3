/**
 * Where to put the next camera stations for a budget, on the one road network
 * (RoadNetwork: a stretch shared by two routes is one stretch). Candidate sites
 * lie every siteSpacingM along the network, each with cameras along (and across)
 * the road. Two objectives:
 * - route_metres: repeatedly take the site with the most newly covered metres
 *   per VND (all stations cost the same), weighted by route priority;
 * - communes_first: first give each commune without a station its best station
 *   (the best site on a route through it, else one near its centre), then fill
 *   route gaps as route_metres does.
 * Planners do not want stations piled up 100 m apart in one commune, so a site
 * closer than minSpacingM to a proposed station is not taken, and a site's score
 * shrinks by communeDecay for each station already proposed in its commune.
 * gain_m is always the real new metres on the network, whatever ranked the site.
 * Every score can only shrink as stations are added (coverage is submodular; the
 * spacing and commune counts only grow), so a stale score is an upper bound and
 * the lazy greedy with a max-heap picks exactly what the plain greedy would.
 */
import { haversineM, initialBearingDeg, normalizeDeg } from './geo.math';
import { addInterval, coveredLength, Interval, uncoveredLengthWithin } from './interval.math';
import { RoadNetwork } from './road-network';
import { RouteInput, RouteInterval, RouteNetwork } from './route-network';

export type PlanningObjective = 'route_metres' | 'communes_first';
export const PLANNING_OBJECTIVES: readonly PlanningObjective[] = ['route_metres', 'communes_first'];

/** A commune that has no station yet, by its point (2019 communes have no boundary). */
export interface PlanningCommune {
  code: string;
  lat: number;
  lon: number;
}

export interface PlanningInput {
  routes: readonly RouteInput[] | RouteNetwork | RoadNetwork;
  /** Stretches already covered, per route ref in that route's chainage (any order, may overlap). */
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
  /** Default route_metres. */
  objective?: PlanningObjective;
  /** Priority of new metres per route ref (default 1); a shared stretch takes its highest. */
  routeWeights?: Readonly<Record<string, number>>;
  /** No two proposed stations closer than this, metres (default 0: no limit). */
  minSpacingM?: number;
  /** Score factor per station already proposed in the site's commune, in (0, 1] (default 1: none). */
  communeDecay?: number;
  /** The commune holding a point (for the commune decay, communes_first and the answer). */
  communeOf?: (lat: number, lon: number) => string | null;
  /** communes_first: the communes without a station. */
  uncoveredCommunes?: readonly PlanningCommune[];
}

export interface ProposedCamera {
  heading_deg: number;
  fov_deg: number;
  range_m: number;
}

export type ProposalReason = 'uncovered_commune' | 'route_gap';

export interface ProposedStation {
  lat: number;
  lon: number;
  /** The route the site is on (null for a station near a commune centre, off the routes). */
  route_ref: string | null;
  /** Every route whose road passes the site (two on a shared stretch). */
  route_refs: string[];
  chainage_m: number | null;
  commune_code: string | null;
  reason: ProposalReason;
  cameras: ProposedCamera[];
  cost_vnd: number;
  /** Network length this station newly covers, given the stations before it (a shared stretch once). */
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
  /** Network length, each shared stretch once. */
  total_length_m: number;
  covered_before_m: number;
  covered_after_m: number;
  coverage_before_pct: number;
  coverage_after_pct: number;
  /** Per route, its own length and covered metres (a shared stretch counts for each of its routes). */
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

/** A candidate station position and what its cameras see of the network (canonical, merged). */
export interface Site {
  /** Canonical route of the site, or -1 for a station near a commune centre. */
  routeIndex: number;
  chainage: number;
  lat: number;
  lon: number;
  cameras: ProposedCamera[];
  share: RouteInterval[];
  routeRefs: string[];
  weight: number;
  commune: string | null;
}

export interface SiteOptions {
  camerasPerStation: number;
  fovDeg: number;
  rangeM: number;
  siteSpacingM?: number;
  siteRoutes?: readonly string[];
  routeWeights?: Readonly<Record<string, number>>;
  communeOf?: (lat: number, lon: number) => string | null;
}

/** The road network of `routes` (built once when given routes). */
export function roadNetworkOf(routes: PlanningInput['routes']): RoadNetwork {
  return routes instanceof RoadNetwork ? routes : new RoadNetwork(routes);
}

/** What a station at (lat, lon) with cameras at these headings sees of the network. */
export function stationShare(road: RoadNetwork, lat: number, lon: number, cameras: readonly ProposedCamera[]): RouteInterval[] {
  const parts: RouteInterval[] = [];
  for (const cam of cameras) {
    for (const i of road.routes.cameraIntervals({ lat, lon, headingDeg: cam.heading_deg, fovDeg: cam.fov_deg, rangeM: cam.range_m })) {
      road.toCanonical(i.routeIndex, i.from_m, i.to_m, parts);
    }
  }
  const out: RouteInterval[] = [];
  road.groupByRoute(parts).forEach((list, routeIndex) => {
    for (const [from_m, to_m] of list) out.push({ routeIndex, from_m, to_m });
  });
  return out;
}

/** Candidate sites every siteSpacingM along each route's own stretches (a shared stretch once). */
export function candidateSites(road: RoadNetwork, o: SiteOptions): Site[] {
  const spacing = o.siteSpacingM ?? 100;
  if (!(spacing > 0)) throw new Error(`site spacing must be positive, got ${spacing}`);
  const routes = road.routes.routes;
  const allowed = o.siteRoutes ? new Set(o.siteRoutes) : null;
  const sites: Site[] = [];
  routes.forEach((route, routeIndex) => {
    const c = route.chainage;
    for (const [from, to] of road.owned[routeIndex]) {
      const count = Math.floor((to - from) / spacing);
      for (let k = 0; k <= count; k++) {
        const chainage = Math.min(to, from + k * spacing);
        const routeRefs = road.routesAt(routeIndex, chainage).map((i) => routes[i].ref);
        if (allowed && !routeRefs.some((r) => allowed.has(r))) continue;
        const p = c.pointAt(chainage);
        const a = c.pointAt(chainage - TANGENT_HALF_M);
        const b = c.pointAt(chainage + TANGENT_HALF_M);
        const road_ = initialBearingDeg(a.lat, a.lon, b.lat, b.lon);
        const cameras = stationHeadings(road_, o.camerasPerStation).map((h) => ({ heading_deg: h, fov_deg: o.fovDeg, range_m: o.rangeM }));
        sites.push({
          routeIndex,
          chainage,
          lat: p.lat,
          lon: p.lon,
          cameras,
          share: stationShare(road, p.lat, p.lon, cameras),
          routeRefs,
          weight: Math.max(...routeRefs.map((r) => o.routeWeights?.[r] ?? 1)),
          commune: o.communeOf ? o.communeOf(p.lat, p.lon) : null,
        });
      }
    }
  });
  return sites;
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
  const decay = input.communeDecay ?? 1;
  if (!(decay > 0 && decay <= 1)) throw new Error(`commune decay must be in (0, 1], got ${decay}`);
  const minSpacing = input.minSpacingM ?? 0;
  if (!(minSpacing >= 0)) throw new Error(`minimum spacing must be 0 or more metres, got ${minSpacing}`);
  const road = roadNetworkOf(input.routes);
  const routes = road.routes.routes;
  const existingFor = (ref: string): readonly Interval[] =>
    (input.existing instanceof Map ? input.existing.get(ref) : (input.existing as Record<string, Interval[]>)[ref]) ?? [];

  const covered: Interval[][] = road.canonicalize(routes.map((r) => existingFor(r.ref)));
  const coveredBefore = road.coveredM(covered);
  const perRouteBefore = road.perRoute(covered).map((list) => coveredLength(list));

  const sites = candidateSites(road, input);
  const gainOf = (share: readonly RouteInterval[]): number => {
    let g = 0;
    for (const s of share) g += uncoveredLengthWithin(covered[s.routeIndex], s.from_m, s.to_m);
    return g;
  };

  const stations: ProposedStation[] = [];
  const perCommune = new Map<string, number>();
  const tooClose = (lat: number, lon: number) => minSpacing > 0 && stations.some((s) => haversineM(lat, lon, s.lat, s.lon) < minSpacing);
  const score = (site: Site): number => {
    if (tooClose(site.lat, site.lon)) return 0;
    const g = gainOf(site.share);
    if (g <= MIN_GAIN_M) return 0;
    return g * site.weight * decay ** (site.commune ? (perCommune.get(site.commune) ?? 0) : 0);
  };
  const take = (site: Site, reason: ProposalReason, commune: string | null) => {
    const gain = gainOf(site.share);
    for (const s of site.share) covered[s.routeIndex] = addInterval(covered[s.routeIndex], [s.from_m, s.to_m]);
    if (commune) perCommune.set(commune, (perCommune.get(commune) ?? 0) + 1);
    stations.push({
      lat: site.lat,
      lon: site.lon,
      route_ref: site.routeIndex >= 0 ? routes[site.routeIndex].ref : null,
      route_refs: site.routeRefs,
      chainage_m: site.routeIndex >= 0 ? site.chainage : null,
      commune_code: commune,
      reason,
      cameras: site.cameras,
      cost_vnd: input.costPerStationVnd,
      gain_m: gain,
    });
  };

  const maxStations = Math.max(0, Math.floor((input.budgetVnd + 1e-9) / input.costPerStationVnd));

  if ((input.objective ?? 'route_metres') === 'communes_first') {
    const byCommune = new Map<string, number[]>();
    sites.forEach((s, i) => {
      if (!s.commune) return;
      let list = byCommune.get(s.commune);
      if (!list) byCommune.set(s.commune, (list = []));
      list.push(i);
    });
    const remaining = [...(input.uncoveredCommunes ?? [])].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    while (stations.length < maxStations && remaining.length > 0) {
      // Each remaining commune's best station now; the best of those goes first.
      let best: { k: number; site: Site; score: number; onRoute: boolean } | null = null;
      remaining.forEach((c, k) => {
        let option: { site: Site; score: number; onRoute: boolean } | null = null;
        for (const i of byCommune.get(c.code) ?? []) {
          const sc = tooClose(sites[i].lat, sites[i].lon) ? -1 : gainOf(sites[i].share) * sites[i].weight;
          if (sc >= 0 && (!option || sc > option.score)) option = { site: sites[i], score: sc, onRoute: true };
        }
        option ??= { site: centreSite(road, c, input), score: -1, onRoute: false };
        if (!best || option.score > best.score) best = { k, ...option };
      });
      const chosen = best!;
      take(chosen.site, 'uncovered_commune', remaining[chosen.k].code);
      remaining.splice(chosen.k, 1);
    }
  }

  const heap = new GainHeap();
  sites.forEach((s, i) => {
    const sc = score(s);
    if (sc > 0) heap.push(sc, i);
  });
  while (stations.length < maxStations && heap.size > 0) {
    const { site: si } = heap.pop();
    const site = sites[si];
    const sc = score(site);
    if (sc <= 0) continue;
    if (heap.size > 0 && sc < heap.peekGain()) {
      heap.push(sc, si);
      continue;
    }
    take(site, 'route_gap', site.commune);
  }

  const coveredAfter = road.coveredM(covered);
  const perRouteAfter = road.perRoute(covered).map((list) => coveredLength(list));
  const totalLength = road.lengthM;
  const pct = (m: number, len: number) => (len > 0 ? (m / len) * 100 : 0);
  return {
    stations,
    total_cost_vnd: stations.length * input.costPerStationVnd,
    total_length_m: totalLength,
    covered_before_m: coveredBefore,
    covered_after_m: coveredAfter,
    coverage_before_pct: pct(coveredBefore, totalLength),
    coverage_after_pct: pct(coveredAfter, totalLength),
    routes: routes.map((r, i) => ({
      ref: r.ref,
      length_m: r.chainage.length,
      covered_before_m: perRouteBefore[i],
      covered_after_m: perRouteAfter[i],
      pct_before: pct(perRouteBefore[i], r.chainage.length),
      pct_after: pct(perRouteAfter[i], r.chainage.length),
    })),
  };
}

/**
 * A station for a commune no route passes through: at its centre point, with
 * cameras looking north and south (no road to align with); it may still see a
 * route that passes close by.
 */
function centreSite(road: RoadNetwork, c: PlanningCommune, o: SiteOptions): Site {
  const cameras = stationHeadings(0, o.camerasPerStation).map((h) => ({ heading_deg: h, fov_deg: o.fovDeg, range_m: o.rangeM }));
  return {
    routeIndex: -1,
    chainage: 0,
    lat: c.lat,
    lon: c.lon,
    cameras,
    share: stationShare(road, c.lat, c.lon, cameras),
    routeRefs: [],
    weight: 1,
    commune: c.code,
  };
}
