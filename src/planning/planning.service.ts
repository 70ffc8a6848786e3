/**
 * Planning: the communes still without a station, the route gaps ranked by
 * length, and where the next stations should go for a budget (the greedy
 * planner of src/geo over the installed coverage).
 */
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock, localDay } from '../common/clock';
import { CoverageService, DEFAULT_MIN_GAP_M } from '../coverage/coverage.service';
import { round1 } from '../coverage/coverage.state';
import { haversineM, Interval, planStations, PolygonIndex } from '../geo';
import { ProposalDto, ProposalRequestDto, RankedGapDto, UncoveredCommuneDto } from './planning.dto';
import { AreaUnitRow, PlanningRepository } from './planning.repository';

/** What a proposed camera is unless the request says otherwise: a typical fixed station camera. */
export const DEFAULT_PROPOSAL = { camerasPerStation: 2, fovDeg: 90, rangeM: 90, siteSpacingM: 100 };

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
    const [rows, places, network] = await Promise.all([
      this.repo.uncoveredCommunes(localDay(this.clock.now())),
      this.loadPlaces(),
      this.coverage.network(),
    ]);
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

  /** Every gap (installed coverage) of at least minGapM on every route, longest first. */
  async gaps(minGapM = DEFAULT_MIN_GAP_M): Promise<RankedGapDto[]> {
    const routes = await this.coverage.routes(undefined, minGapM);
    return routes
      .flatMap((r) => r.gaps.map((g) => ({ route_ref: r.ref, route_name: r.name, ...g })))
      .sort((a, b) => b.length_m - a.length_m || a.route_ref.localeCompare(b.route_ref) || a.from_m - b.from_m);
  }

  async propose(body: ProposalRequestDto): Promise<ProposalDto> {
    const network = await this.coverage.network();
    if (body.routes) {
      const known = new Set(network.routes.map((r) => r.ref));
      const unknown = body.routes.filter((r) => !known.has(r));
      if (unknown.length) {
        throw new BadRequestException(`routes: unknown route ref(s) ${unknown.map((r) => `"${r}"`).join(', ')}; known refs are ${[...known].join(', ')}`);
      }
    }
    let cost = body.cost_per_station_vnd;
    if (cost === undefined) {
      const avg = await this.repo.averageFundingPerStation();
      if (!avg) throw new BadRequestException('no station funding is recorded to take an average from: give cost_per_station_vnd');
      cost = avg;
    }
    const unions = await this.coverage.unions();
    const existing = new Map<string, Interval[]>(unions.map((u) => [u.ref, u.installed]));
    const plan = planStations({
      routes: network,
      existing,
      budgetVnd: body.budget_vnd,
      costPerStationVnd: cost,
      camerasPerStation: body.cameras_per_station ?? DEFAULT_PROPOSAL.camerasPerStation,
      fovDeg: body.fov_deg ?? DEFAULT_PROPOSAL.fovDeg,
      rangeM: body.range_m ?? DEFAULT_PROPOSAL.rangeM,
      siteSpacingM: DEFAULT_PROPOSAL.siteSpacingM,
      siteRoutes: body.routes,
    });
    const places = await this.loadPlaces();
    return {
      stations: plan.stations.map((s) => ({
        lat: round7(s.lat),
        lon: round7(s.lon),
        commune_code: commune2019(places, s.lat, s.lon),
        commune_code_2025: places.communes2025.find([s.lon, s.lat]),
        route_ref: s.route_ref,
        chainage_m: round1(s.chainage_m),
        cameras: s.cameras.map((c) => ({ heading_deg: round1(c.heading_deg), fov_deg: c.fov_deg, range_m: c.range_m })),
        cost_vnd: s.cost_vnd,
        gain_m: round1(s.gain_m),
      })),
      total_cost_vnd: plan.total_cost_vnd,
      cost_per_station_vnd: cost,
      coverage_before_pct: round2(plan.coverage_before_pct),
      coverage_after_pct: round2(plan.coverage_after_pct),
    };
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

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
