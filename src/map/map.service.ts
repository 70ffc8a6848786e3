/**
 * What the map loads depends on the screen, not on the province: private
 * cameras come as clusters with counts at low zoom and one by one only for the
 * viewport when zoomed in. The cameras are held in memory (230,826 take about
 * 60 MB) and one cluster index per filter in use is kept; a live status change
 * updates the camera and the counts of the clusters holding it at once (the
 * cluster tree depends on positions only). Only a filter on status, whose
 * cameras change with it, builds its tree again, at most every REBUILD_MIN_MS.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { CAMNET_CONFIG, type CamnetConfig } from '../config/config';
import { badField, badInput } from '../http-defaults';
import {
  CameraClusterIndex,
  CameraFilter,
  filterKey,
  MapCamera,
  MapStatus,
  MAP_STATUSES,
  PrivateOwnership,
  PRIVATE_OWNERSHIPS,
  ViewAnswer,
} from './camera-cluster.index';
import { MapViewQueryDto } from './map.dto';
import { MapRepository } from './map.repository';
import { checkViewport } from './viewport';

/** A status-filtered index whose cameras changed is built again at most this often (building 230,826 cameras takes about a second). */
export const REBUILD_MIN_MS = 10_000;
/**
 * With PostgreSQL (where other replicas may change the inventory and statuses)
 * the cameras are re-read in the background when older than this. Embedded mode
 * is one replica whose events say every change, and its one database session is
 * better left to the rest.
 */
export const SNAPSHOT_TTL_MS = 60_000;
/** What a map shows before anyone filters: every private camera. */
const EVERY_CAMERA: CameraFilter = { ownerships: PRIVATE_OWNERSHIPS, statuses: MAP_STATUSES, district: null, commune: null };
/** Filters in use at once (each a cluster index); the least recently used goes first. */
const MAX_INDEXES = 8;

interface CachedIndex {
  index: CameraClusterIndex;
  builtAt: number;
  /** A status change took a camera into or out of this filter: the tree no longer holds. */
  stale: boolean;
}

interface Snapshot {
  cameras: MapCamera[];
  /** Each camera's place in `cameras`, by code. */
  byCode: Map<string, number>;
  loadedAt: number;
  /** The inventory change count when the read began: older than inventoryVersion means stale. */
  version: number;
}

@Injectable()
export class MapService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('map');
  private snapshot: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;
  /** Counts the inventory changes heard (cameras created, changed, retired, imported). */
  private inventoryVersion = 0;
  private readonly indexes = new Map<string, CachedIndex>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly repo: MapRepository,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAMNET_CONFIG) private readonly camnetConfig: CamnetConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.events.on('status.changed', (e) => {
        const i = e.subject === 'camera' ? this.snapshot?.byCode.get(e.code) : undefined;
        if (i === undefined) return;
        const cam = this.snapshot!.cameras[i];
        const from = cam.status;
        cam.status = (MAP_STATUSES as readonly string[]).includes(e.status) ? (e.status as MapStatus) : 'unknown';
        for (const cached of this.indexes.values()) if (!cached.index.moveStatus(i, from, cam.status)) cached.stale = true;
      }),
      this.events.on('inventory.changed', (e) => {
        if (e.what !== 'camera') return;
        // Read again now, so the next map view waits as little as possible for the change.
        this.inventoryVersion++;
        if (!this.loading) this.load().catch((err) => this.logger.warn(`reloading the private cameras for the map failed: ${err.message}`));
      }),
    );
    // Warm in the background, so the first map load does not pay for reading every camera.
    this.load().catch((err) => this.logger.warn(`loading the private cameras for the map failed: ${err.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.loading?.catch(() => undefined);
  }

  async config(
    config: CamnetConfig,
    limits: Record<string, { min: number | null; max: number | null }>,
    provinceBounds: Promise<[number, number, number, number] | null>,
  ) {
    return { tile_url: config.tileUrl, tile_attribution: config.tileUrl ? config.tileAttribution : null, province_bbox: await provinceBounds, limits };
  }

  /** `GET /api/map/private-cameras`: the viewport checked, the filter read, the answer from the filter's index. */
  privateCameras(q: MapViewQueryDto): Promise<ViewAnswer> {
    const viewport = checkViewport(q.bbox, q.zoom);
    if (!viewport.ok)
      throw viewport.code === 'bad_bbox'
        ? badField('bbox', viewport.message, viewport.code, viewport.params)
        : badInput(viewport.code, viewport.params, viewport.message);
    const filter: CameraFilter = {
      ownerships: (q.ownership as PrivateOwnership[] | undefined) ?? EVERY_CAMERA.ownerships,
      statuses: (q.status as MapStatus[] | undefined) ?? EVERY_CAMERA.statuses,
      district: q.district ?? null,
      commune: q.commune ?? null,
    };
    return this.view(filter, viewport.bbox, q.zoom);
  }

  async view(filter: CameraFilter, bbox: [number, number, number, number], zoom: number): Promise<ViewAnswer> {
    const snapshot = await this.current();
    return this.indexFor(snapshot, filter).view(bbox, zoom);
  }

  /** The cameras now: reloaded at once after an inventory change, in the background when merely old. */
  private async current(): Promise<Snapshot> {
    // A read already under way may have begun before the change: wait for it, then read again if still stale.
    while (!this.snapshot || this.snapshot.version < this.inventoryVersion) await (this.loading ?? this.load());
    const shared = this.camnetConfig.databaseUrl !== null;
    if (shared && !this.loading && this.clock.now().getTime() - this.snapshot.loadedAt > SNAPSHOT_TTL_MS) {
      this.load().catch((err) => this.logger.warn(`reloading the private cameras for the map failed: ${err.message}`));
    }
    return this.snapshot!;
  }

  private load(): Promise<Snapshot> {
    this.loading ??= (async () => {
      try {
        const version = this.inventoryVersion;
        const cameras = await this.repo.privateCameras();
        const snapshot: Snapshot = { cameras, byCode: new Map(cameras.map((c, i) => [c.code, i])), loadedAt: this.clock.now().getTime(), version };
        this.snapshot = snapshot;
        this.indexes.clear();
        // Built now rather than by the next map to ask (about a second for 230,826 cameras, on the service's thread).
        this.indexFor(snapshot, EVERY_CAMERA);
        return snapshot;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private indexFor(snapshot: Snapshot, filter: CameraFilter): CameraClusterIndex {
    const key = filterKey(filter);
    const now = this.clock.now().getTime();
    const cached = this.indexes.get(key);
    if (cached && (!cached.stale || now - cached.builtAt < REBUILD_MIN_MS)) {
      // Most recently used last, so the first key is the one to drop.
      this.indexes.delete(key);
      this.indexes.set(key, cached);
      return cached.index;
    }
    const built: CachedIndex = { index: new CameraClusterIndex(snapshot.cameras, filter), builtAt: now, stale: false };
    this.indexes.delete(key);
    this.indexes.set(key, built);
    while (this.indexes.size > MAX_INDEXES) this.indexes.delete(this.indexes.keys().next().value!);
    return built.index;
  }
}
