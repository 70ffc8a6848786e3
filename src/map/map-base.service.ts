/**
 * The map's reference layers in one answer: district and July-2025 commune
 * boundaries, the 2019 communes as points, routes and road signs. They change
 * only with the inventory, so the answer is kept and served again until an
 * inventory change (or BASE_TTL_MS, for changes made through another replica):
 * one request instead of five, and no database work on a returning map. It is
 * kept serialised and compressed (KeptAnswer): 420 KB of JSON are not encoded
 * again for every map. It is made at start and again soon after an inventory
 * change, in the background: reading and compressing it (with 230,826 cameras,
 * about a second of the service's thread on embedded PGlite) would otherwise
 * fall on the first map that asks, in the middle of its other answers.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { KeptAnswer } from '../http/kept-answer';
import { GeoDataService } from '../inventory/geo-data.service';
import { MapRepository } from './map.repository';

export const BASE_TTL_MS = 60_000;
/** After an inventory change the answer is made again this much later: a burst of changes (an import, a script) makes it once. */
export const BASE_REMAKE_DELAY_MS = 1_000;

export interface MapBase {
  districts: unknown[];
  communes_2019: unknown[];
  communes_2025: unknown[];
  routes: unknown[];
  road_signs: unknown[];
}

@Injectable()
export class MapBaseService implements OnApplicationBootstrap, OnModuleDestroy {
  private cached: { at: number; value: Promise<KeptAnswer> } | null = null;
  private bounds: Promise<[number, number, number, number] | null> | null = null;
  private unsubscribe: (() => void) | null = null;
  private remake: NodeJS.Timeout | null = null;

  constructor(
    private readonly geo: GeoDataService,
    private readonly repo: MapRepository,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events.on('inventory.changed', () => {
      this.cached = null;
      if (this.remake) clearTimeout(this.remake);
      this.remake = setTimeout(() => this.warm(), BASE_REMAKE_DELAY_MS);
      this.remake.unref();
    });
    this.warm();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    if (this.remake) clearTimeout(this.remake);
  }

  /** Makes the answer now unless it is kept; a failure is left to the next map, which asks again. */
  private warm(): void {
    this.remake = null;
    this.answer().catch(() => undefined);
  }

  /** The answer of GET /api/map/base, serialised and compressed once while it is kept. */
  answer(): Promise<KeptAnswer> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < BASE_TTL_MS) return this.cached.value;
    const value = (async () => {
      const [districts, communes2019, communes2025, routes, roadSigns] = await Promise.all([
        this.geo.adminUnits({ layout: '2019', level: 'district' }),
        this.geo.adminUnits({ layout: '2019', level: 'commune' }),
        this.geo.adminUnits({ layout: '2025-07', level: 'commune' }),
        this.geo.routes(),
        this.geo.roadSigns(),
      ]);
      const base: MapBase = { districts, communes_2019: communes2019, communes_2025: communes2025, routes, road_signs: roadSigns };
      return KeptAnswer.of(base);
    })();
    const entry = { at: now, value };
    this.cached = entry;
    // A failed read is not kept: the next map asks the database again.
    value.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return value;
  }

  /** The province's extent [west, south, east, north] from its district boundaries, read once. */
  provinceBounds(): Promise<[number, number, number, number] | null> {
    this.bounds ??= this.repo.provinceBounds().catch(() => {
      this.bounds = null;
      return null;
    });
    return this.bounds;
  }
}
