/**
 * Installed and effective coverage of the main routes and per commune. The
 * camera set is loaded once at start; status and heading changes arrive as
 * events and touch only the camera concerned; the inventory is re-read when its
 * fingerprint changes (checked in the background at most every COVERAGE_TTL_MS,
 * which also picks up status changes seen by other replicas).
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock, localDay } from '../common/clock';
import { CAMNET_CONFIG, type CamnetConfig } from '../config/config';
import { EventBus } from '../common/event-bus';
import { coveredLength, PolygonIndex, type Interval, type RoadNetwork, type RouteNetwork } from '../geo';
import type { AdminLayout } from '../inventory/admin-unit.entity';
import { OWNERSHIPS, Ownership } from '../inventory/camera.entity';
import { CommuneCoverageDto, NetworkCoverageDto, RouteCoverageDto } from './coverage.dto';
import { CoverageRepository } from './coverage.repository';
import { CoverageState, overlapLength, pct, round1, RouteUnion } from './coverage.state';

/**
 * How stale the in-memory inventory and statuses may get before a background
 * re-check, with PostgreSQL (where other replicas change statuses and the
 * inventory). Embedded mode is one replica whose events say every change; its
 * one database session (in this very thread) is better left to the requests:
 * reading every camera's fingerprint there blocks the service for as long.
 */
export const COVERAGE_TTL_MS = 15_000;
/** Kept route-coverage answers (one per ownership filter and gap length asked for); beyond this many, all are dropped. */
const MAX_KEPT_ANSWERS = 16;
export const DEFAULT_MIN_GAP_M = 500;

@Injectable()
export class CoverageService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('coverage');
  private state: CoverageState | null = null;
  private fingerprint = '';
  private checkedAt = 0;
  private loading: Promise<CoverageState> | null = null;
  /** Per 2025 commune, the chainage intervals of each route inside it (by route index). */
  private communeShares: Map<string, Interval[][]> | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  /**
   * Route-coverage answers by filter, each for the state and version it was
   * computed from: the map asks on every load, and computing it walks every
   * camera's share (tens of milliseconds at 24,609 cameras, hundreds at ten times more).
   */
  private readonly routeAnswers = new Map<string, { state: CoverageState; version: number; value: RouteCoverageDto[] }>();

  constructor(
    private readonly repo: CoverageRepository,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe.push(
      this.events.on('status.changed', (e) => {
        if (e.subject === 'camera' && this.state && !this.state.setStatus(e.id, e.status)) this.checkedAt = 0;
      }),
      this.events.on('heading.changed', (e) => {
        if (this.state && !this.state.setHeading(e.cameraId, e.headingDeg)) this.checkedAt = 0;
      }),
      this.events.on('inventory.changed', () => {
        this.refresh().catch((err) => this.logger.warn(`coverage refresh failed: ${err.message}`));
      }),
    );
    await this.refresh();
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    // A background reload still running would meet a closed database.
    await this.loading?.catch(() => undefined);
  }

  /** Per route coverage; the same answer object while nothing changed (callers do not modify it). */
  async routes(ownership: Ownership[] | undefined, minGapM = DEFAULT_MIN_GAP_M): Promise<RouteCoverageDto[]> {
    const state = await this.current();
    const owned = ownershipSet(ownership);
    const key = `${owned ? [...owned].sort().join(',') : 'all'}|${minGapM}`;
    const kept = this.routeAnswers.get(key);
    if (kept && kept.state === state && kept.version === state.version) return kept.value;
    const value = state.routeCoverage(owned, minGapM);
    if (this.routeAnswers.size >= MAX_KEPT_ANSWERS) this.routeAnswers.clear();
    this.routeAnswers.set(key, { state, version: state.version, value });
    return value;
  }

  /** Covered intervals per route (installed and effective), for planning. */
  async unions(ownership?: Ownership[]): Promise<RouteUnion[]> {
    return (await this.current()).union(ownershipSet(ownership));
  }

  /** The routes as the coverage holds them (shared, read-only), for planning. */
  async network(): Promise<RouteNetwork> {
    return (await this.current()).network;
  }

  /** The routes as one road network (shared stretches once), for planning. */
  async road(): Promise<RoadNetwork> {
    return (await this.current()).road;
  }

  /** Totals over the one road network: each stretch two routes share counted once. */
  async networkTotals(ownership?: Ownership[]): Promise<NetworkCoverageDto> {
    const state = await this.current();
    const t = state.networkCoverage(ownershipSet(ownership));
    const routes = state.network.routes;
    const covered = (m: number) => ({ covered_m: round1(m), pct: pct(m, t.length_m) });
    return {
      length_m: round1(t.length_m),
      installed: covered(t.installed_m),
      online_monitored: covered(t.online_monitored_m),
      private_registered: covered(t.private_registered_m),
      shared_stretches: state.road.shared.map((s) => ({
        route_ref: routes[s.routeIndex].ref,
        from_m: round1(s.fromM),
        to_m: round1(s.toM),
        shared_with_ref: routes[s.canonRoute].ref,
      })),
    };
  }

  async communes(layout: AdminLayout = '2019', ownership?: Ownership[]): Promise<CommuneCoverageDto[]> {
    const state = await this.current();
    const owned = ownershipSet(ownership);
    const day = localDay(this.clock.now());
    const [communes, stations] = await Promise.all([this.repo.communes(layout), this.repo.stationCounts(layout, day)]);
    const counts = new Map<string, { byOwner: Record<Ownership, number>; online: number }>();
    for (const cam of state.cameras.values()) {
      if (owned && !owned.has(cam.ownership)) continue;
      const code = layout === '2019' ? cam.communeCode : cam.communeCode2025;
      if (code === null) continue;
      let c = counts.get(code);
      if (!c) counts.set(code, (c = { byOwner: { station: 0, citizen: 0, business: 0, household: 0 }, online: 0 }));
      c.byOwner[cam.ownership]++;
      if (state.isEffective(cam.id)) c.online++;
    }
    let shares: Map<string, Interval[][]> | null = null;
    let unions: RouteUnion[] = [];
    if (layout === '2025-07') {
      shares = await this.communeRouteShares(state);
      unions = state.union(owned);
    }
    return communes.map((u) => {
      const c = counts.get(u.code);
      const byOwner = c?.byOwner ?? { station: 0, citizen: 0, business: 0, household: 0 };
      const inside = shares?.get(u.code);
      return {
        code: u.code,
        name: u.name,
        district_code: u.districtCode,
        district_name: u.districtName,
        cameras: { ...byOwner, total: byOwner.station + byOwner.citizen + byOwner.business + byOwner.household },
        stations: stations.get(u.code) ?? 0,
        online: c?.online ?? 0,
        route_m: shares ? round1(inside ? inside.reduce((s, list) => s + coveredLength(list), 0) : 0) : null,
        installed_covered_m: shares ? round1(inside ? inside.reduce((s, list, i) => s + overlapLength(list, unions[i].installed), 0) : 0) : null,
        ...onlineFields(shares ? round1(inside ? inside.reduce((s, list, i) => s + overlapLength(list, unions[i].effective), 0) : 0) : null),
        private_registered_covered_m: shares ? round1(inside ? inside.reduce((s, list, i) => s + overlapLength(list, unions[i].private), 0) : 0) : null,
      };
    });
  }

  /** Re-reads the inventory now when it changed (or was never read). */
  async refresh(): Promise<void> {
    this.checkedAt = 0;
    await this.load();
  }

  private async current(): Promise<CoverageState> {
    if (!this.state) return this.load();
    // checkedAt = 0: an event this replica heard says the state no longer matches (a camera it does not know).
    const shared = this.config.databaseUrl !== null;
    const stale = this.checkedAt === 0 || (shared && this.clock.now().getTime() - this.checkedAt > COVERAGE_TTL_MS);
    if (stale && !this.loading) {
      this.load().catch((err) => this.logger.warn(`coverage refresh failed: ${err.message}`));
    }
    return this.state;
  }

  private load(): Promise<CoverageState> {
    this.loading ??= (async () => {
      try {
        const started = Date.now();
        const fingerprint = await this.repo.fingerprint();
        const states = await this.repo.cameraStates();
        let state = this.state;
        let recomputed = 0;
        if (!state || fingerprint !== this.fingerprint) {
          const [routes, cameras] = await Promise.all([this.repo.routes(), this.repo.cameras(localDay(this.clock.now()))]);
          const sameRoutes = state !== null && fingerprint.split('/')[1] === this.fingerprint.split('/')[1];
          if (!state || !sameRoutes) {
            state = new CoverageState(routes);
            this.communeShares = null;
          }
          recomputed = state.syncCameras(cameras);
        }
        // Statuses and headings are re-read too: events only reach this replica's
        // listeners, other replicas' checks arrive through the table.
        for (const s of states) {
          state.setStatus(s.id, s.status);
          state.setHeading(s.id, s.headingDeg);
        }
        this.state = state;
        this.fingerprint = fingerprint;
        this.checkedAt = this.clock.now().getTime();
        if (recomputed > 0) this.logger.log(`coverage: ${recomputed} camera shares computed in ${Date.now() - started} ms`);
        return state;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private async communeRouteShares(state: CoverageState): Promise<Map<string, Interval[][]>> {
    if (this.communeShares) return this.communeShares;
    const units = await this.repo.communes('2025-07', true);
    const locator = new PolygonIndex(units.map((u) => ({ key: u.code, geometry: u.boundary })));
    const out = new Map<string, Interval[][]>();
    state.network.routes.forEach((route, i) => {
      for (const [code, list] of locator.routeShares(route.chainage)) {
        let perRoute = out.get(code);
        if (!perRoute) out.set(code, (perRoute = state.network.routes.map(() => [])));
        perRoute[i] = list;
      }
    });
    this.communeShares = out;
    return out;
  }
}

/** The online figure under its name and, for one release, under its old one ("effective"). */
function onlineFields(m: number | null): { online_monitored_covered_m: number | null; effective_covered_m: number | null } {
  return { online_monitored_covered_m: m, effective_covered_m: m };
}

function ownershipSet(list: Ownership[] | undefined): ReadonlySet<Ownership> | null {
  if (!list || list.length === 0 || OWNERSHIPS.every((o) => list.includes(o))) return null;
  return new Set(list);
}
