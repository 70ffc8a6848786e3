/**
 * Planning: the communes still without a station, the route gaps ranked by
 * length, and where the next stations should go for a budget (the greedy
 * planner of src/geo over the installed coverage).
 */
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { badField } from '../http-defaults';
import { CLOCK, Clock, localDay } from '../common/clock';
import { CoverageService, DEFAULT_MIN_GAP_M } from '../coverage/coverage.service';
import { round1 } from '../coverage/coverage.state';
import { gaps as gapList, haversineM, intersectIntervals, Interval, planStations, PolygonIndex } from '../geo';
import { ProposalDto, ProposalRequestDto, RankedGapDto, UncoveredCommuneDto } from './planning.dto';
import { AreaUnitRow, PlanningRepository } from './planning.repository';
import { proposalCsv, proposalGeoJson } from './proposal.export';

/**
 * What a proposal assumes unless the request says otherwise: a typical fixed
 * station camera; 2 cameras only when the inventory has no stations to take the
 * ratio from; stations at least 500 m apart, and a commune's second station
 * ranked as if it added half its metres (see README, "Planning").
 */
export const DEFAULT_PROPOSAL = { camerasPerStation: 2, fovDeg: 90, rangeM: 90, siteSpacingM: 100, minSpacingM: 500, communeDecay: 0.5 };
/** Route weights above this are surely a typo (a weight is a priority, not VND). */
const MAX_ROUTE_WEIGHT = 100;

interface Places {
  districts: PolygonIndex;
  communes2025: PolygonIndex;
  communes2019: AreaUnitRow[];
  units2025: Map<string, AreaUnitRow>;
}

@Injectable()
export class PlanningService {
  /** Administrative units change only with a new seed: read once. */
  private places: Promise<Places> | null = null;

  constructor(
    private readonly repo: PlanningRepository,
    private readonly coverage: CoverageService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async uncoveredCommunes(): Promise<UncoveredCommuneDto[]> {
    const [rows, places, network] = await Promise.all([this.repo.uncoveredCommunes(localDay(this.clock.now())), this.loadPlaces(), this.coverage.network()]);
    return rows.map((c) => {
      let nearest: { ref: string; d: number } | null = null;
      if (c.lat !== null && c.lon !== null) {
        for (const r of network.routes) {
          const d = r.chainage.project(c.lat, c.lon).distanceM;
          if (!nearest || d < nearest.d) nearest = { ref: r.ref, d };
        }
      }
      return {
        code: c.code,
        name: c.name,
        kind: c.kind,
        district_code: c.districtCode,
        district_name: c.districtName,
        lat: c.lat,
        lon: c.lon,
        communes_2025: c.successors.map((s) => {
          const unit = places.units2025.get(s.code);
          return {
            code: s.code,
            name: s.name ?? unit?.name ?? s.code,
            kind: s.kind ?? null,
            population: numberOrNull(unit?.properties.bando_population),
            area_km2: numberOrNull(unit?.properties.bando_area_km2),
          };
        }),
        nearest_route_ref: nearest?.ref ?? null,
        nearest_route_distance_m: nearest ? Math.round(nearest.d) : null,
      };
    });
  }

  /**
   * Every gap (installed coverage) of at least minGapM on the road network,
   * longest first: a gap on a stretch two routes share is listed once, under the
   * route that holds the stretch, with both refs.
   */
  async gaps(minGapM = DEFAULT_MIN_GAP_M): Promise<RankedGapDto[]> {
    const [unions, road] = await Promise.all([this.coverage.unions(), this.coverage.road()]);
    const routes = road.routes.routes;
    const out: RankedGapDto[] = [];
    unions.forEach((u, r) => {
      const chainage = routes[r].chainage;
      for (const g of intersectIntervals(gapIntervals(u.length_m, u.installed), road.owned[r])) {
        const [from, to] = g;
        if (to - from < minGapM || !(to > from)) continue;
        out.push({
          route_ref: u.ref,
          route_name: u.name,
          route_refs: road.routesAlong(r, from, to).map((i) => routes[i].ref),
          from_m: round1(from),
          to_m: round1(to),
          length_m: round1(to - from),
          geometry: { type: 'LineString', coordinates: chainage.slice(from, to).map(([lon, lat]) => [round6(lon), round6(lat)] as [number, number]) },
        });
      }
    });
    return out.sort((a, b) => b.length_m - a.length_m || a.route_ref.localeCompare(b.route_ref) || a.from_m - b.from_m);
  }

  async propose(body: ProposalRequestDto): Promise<ProposalDto> {
    const road = await this.coverage.road();
    const known = road.routes.routes.map((r) => r.ref);
    if (body.routes) {
      const unknown = body.routes.filter((r) => !known.includes(r));
      if (unknown.length) {
        throw badField('routes', `unknown route ref(s) ${unknown.map((r) => `"${r}"`).join(', ')}; known refs are ${known.join(', ')}`);
      }
    }
    const weights = validRouteWeights(body.route_weights, known);
    let cost = body.cost_per_station_vnd;
    if (cost === undefined) {
      const avg = await this.repo.averageFundingPerStation();
      if (!avg) throw badField('cost_per_station_vnd', 'no station funding is recorded to take an average from: give cost_per_station_vnd');
      cost = avg;
    }
    if (body.budget_vnd < cost) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        code: 'budget_below_station_cost',
        params: { budget_vnd: body.budget_vnd, cost_per_station_vnd: cost },
        message: `budget_vnd: ${body.budget_vnd} VND is less than one station, which costs ${cost} VND; give at least ${cost}`,
        errors: [{ field: 'budget_vnd', reason: `less than the cost of one station (${cost} VND)` }],
      });
    }
    const camerasPerStation = body.cameras_per_station ?? (await this.defaultCamerasPerStation());
    const objective = body.objective ?? 'route_metres';
    const minSpacing = body.min_spacing_m ?? DEFAULT_PROPOSAL.minSpacingM;
    const decay = body.commune_decay ?? DEFAULT_PROPOSAL.communeDecay;
    const [unions, places, uncovered] = await Promise.all([this.coverage.unions(), this.loadPlaces(), this.repo.uncoveredCommunes(localDay(this.clock.now()))]);
    const existing = new Map<string, Interval[]>(unions.map((u) => [u.ref, u.installed]));
    const uncoveredCommunes = uncovered.filter((c) => c.lat !== null && c.lon !== null).map((c) => ({ code: c.code, lat: c.lat!, lon: c.lon! }));
    const plan = planStations({
      routes: road,
      existing,
      budgetVnd: body.budget_vnd,
      costPerStationVnd: cost,
      camerasPerStation,
      fovDeg: body.fov_deg ?? DEFAULT_PROPOSAL.fovDeg,
      rangeM: body.range_m ?? DEFAULT_PROPOSAL.rangeM,
      siteSpacingM: DEFAULT_PROPOSAL.siteSpacingM,
      siteRoutes: body.routes,
      objective,
      routeWeights: weights,
      minSpacingM: minSpacing,
      communeDecay: decay,
      communeOf: (lat, lon) => commune2019(places, lat, lon),
      uncoveredCommunes,
    });
    const uncoveredCodes = new Set(uncoveredCommunes.map((c) => c.code));
    return {
      stations: plan.stations.map((s, i) => ({
        rank: i + 1,
        lat: round7(s.lat),
        lon: round7(s.lon),
        commune_code: s.commune_code ?? commune2019(places, s.lat, s.lon),
        commune_code_2025: places.communes2025.find([s.lon, s.lat]),
        route_ref: s.route_ref,
        route_refs: s.route_refs,
        chainage_m: s.chainage_m === null ? null : round1(s.chainage_m),
        reason: s.reason,
        cameras: s.cameras.map((c) => ({ heading_deg: round1(c.heading_deg), fov_deg: c.fov_deg, range_m: c.range_m })),
        cost_vnd: s.cost_vnd,
        gain_m: round1(s.gain_m),
      })),
      total_cost_vnd: plan.total_cost_vnd,
      cost_per_station_vnd: cost,
      cameras_per_station: camerasPerStation,
      objective,
      min_spacing_m: minSpacing,
      commune_decay: decay,
      network_length_m: round1(plan.total_length_m),
      covered_before_m: round1(plan.covered_before_m),
      covered_after_m: round1(plan.covered_after_m),
      coverage_before_pct: round2(plan.coverage_before_pct),
      coverage_after_pct: round2(plan.coverage_after_pct),
      uncovered_communes_before: uncoveredCodes.size,
      uncovered_communes_reached: new Set(plan.stations.map((s) => s.commune_code).filter((c): c is string => c !== null && uncoveredCodes.has(c))).size,
      routes: plan.routes.map((r) => ({ ref: r.ref, length_m: round1(r.length_m), pct_before: round2(r.pct_before), pct_after: round2(r.pct_after) })),
    };
  }

  /** The proposal as a file: GeoJSON (an object Nest sends as JSON) or CSV text. */
  async proposeAs(body: ProposalRequestDto, format: 'geojson'): Promise<object>;
  async proposeAs(body: ProposalRequestDto, format: 'csv'): Promise<string>;
  async proposeAs(body: ProposalRequestDto, format: 'geojson' | 'csv'): Promise<object | string> {
    const proposal = await this.propose(body);
    return format === 'geojson' ? proposalGeoJson(proposal) : proposalCsv(proposal);
  }

  /** The province's own ratio: cameras of stations in service per station in service, rounded, 1 to 4. */
  private async defaultCamerasPerStation(): Promise<number> {
    const ratio = await this.repo.camerasPerStation(localDay(this.clock.now()));
    return ratio === null ? DEFAULT_PROPOSAL.camerasPerStation : Math.min(4, Math.max(1, Math.round(ratio)));
  }

  private loadPlaces(): Promise<Places> {
    this.places ??= (async () => {
      const [districts, communes2019, communes2025] = await Promise.all([
        this.repo.units('2019', 'district', true),
        this.repo.units('2019', 'commune', false),
        this.repo.units('2025-07', 'commune', true),
      ]);
      return {
        districts: new PolygonIndex(districts.map((d) => ({ key: d.code, geometry: d.boundary }))),
        communes2025: new PolygonIndex(communes2025.map((c) => ({ key: c.code, geometry: c.boundary }))),
        communes2019: communes2019.filter((c) => c.lat !== null && c.lon !== null),
        units2025: new Map(communes2025.map((c) => [c.code, c])),
      };
    })();
    this.places.catch(() => (this.places = null));
    return this.places;
  }
}

/**
 * The 2019 commune of a site: the 2019 communes are points, not polygons, so the
 * district polygon holding the site narrows them down and the nearest commune
 * point within that district wins (the nearest of all when no district holds it).
 */
function commune2019(places: Places, lat: number, lon: number): string | null {
  const district = places.districts.find([lon, lat]);
  const pool = district ? places.communes2019.filter((c) => c.parentCode === district) : [];
  let best: { code: string; d: number } | null = null;
  for (const c of pool.length ? pool : places.communes2019) {
    const d = haversineM(lat, lon, c.lat!, c.lon!);
    if (!best || d < best.d) best = { code: c.code, d };
  }
  return best?.code ?? null;
}

/** route_weights: known refs only, each a number from 0 to MAX_ROUTE_WEIGHT. */
function validRouteWeights(weights: Record<string, unknown> | undefined, known: readonly string[]): Record<string, number> | undefined {
  if (weights === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const [ref, w] of Object.entries(weights)) {
    if (!known.includes(ref)) throw badField(`route_weights.${ref}`, `unknown route ref "${ref}"; known refs are ${known.join(', ')}`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > MAX_ROUTE_WEIGHT) {
      throw badField(`route_weights.${ref}`, `must be a number from 0 to ${MAX_ROUTE_WEIGHT}, got ${JSON.stringify(w)}`);
    }
    out[ref] = w;
  }
  return out;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The uncovered stretches of [0, length] as intervals. */
const gapIntervals = (length: number, covered: Interval[]): Interval[] => gapList(length, covered, 0).map((g) => [g.from_m, g.to_m] as Interval);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
