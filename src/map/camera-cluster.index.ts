/**
 * Private cameras for the map at any zoom: supercluster (mapbox's point
 * clustering, the library Leaflet and Mapbox users rely on) groups them by
 * screen distance, so the browser receives a few hundred clusters with their
 * counts at province zoom and single cameras only for the viewport when zoomed
 * in. Pure: no Nest, no database; the caller owns the points and the clock.
 */
import Supercluster from 'supercluster';

export const PRIVATE_OWNERSHIPS = ['citizen', 'business', 'household'] as const;
export type PrivateOwnership = (typeof PRIVATE_OWNERSHIPS)[number];
export const MAP_STATUSES = ['online', 'degraded', 'offline', 'maintenance', 'unknown'] as const;
export type MapStatus = (typeof MAP_STATUSES)[number];

/** One private camera as the map knows it (no owner: a click fetches that). */
export interface MapCamera {
  code: string;
  ownership: PrivateOwnership;
  commune_code: string;
  district_code: string | null;
  lat: number;
  lon: number;
  heading_deg: number;
  fov_deg: number;
  range_m: number;
  status: MapStatus;
}

/** The columns of a single camera in an answer, in this order (a table, not objects: 40 % fewer bytes). */
export const MAP_CAMERA_COLUMNS = ['code', 'ownership', 'commune_code', 'lat', 'lon', 'heading_deg', 'fov_deg', 'range_m', 'status'] as const;

export interface CameraFilter {
  ownerships: readonly PrivateOwnership[];
  statuses: readonly MapStatus[];
  district: string | null;
  commune: string | null;
}

export interface ClusterCounts {
  by_ownership: Record<PrivateOwnership, number>;
  by_status: Record<MapStatus, number>;
}

export interface MapCluster extends ClusterCounts {
  id: number;
  lat: number;
  lon: number;
  count: number;
  /** The zoom at which this cluster breaks apart: where a click on it should take the map. */
  expansion_zoom: number;
}

export interface ViewAnswer {
  zoom: number;
  /** Cameras in the whole province that pass the filter (not only those in the view). */
  matching: number;
  clusters: MapCluster[];
  cameras: { columns: readonly string[]; rows: unknown[][] };
}

/** Clusters exist up to this zoom; from CLUSTER_MAX_ZOOM + 1 on every camera stands alone. */
export const CLUSTER_MAX_ZOOM = 15;
/** Cluster radius in screen pixels (supercluster's unit). */
export const CLUSTER_RADIUS_PX = 90;

type Props = { i: number };
type Reduced = { c: number; b: number; h: number; on: number; dg: number; of: number; mt: number; un: number };
const STATUS_KEY: Record<MapStatus, keyof Reduced> = { online: 'on', degraded: 'dg', offline: 'of', maintenance: 'mt', unknown: 'un' };
const OWNER_KEY: Record<PrivateOwnership, keyof Reduced> = { citizen: 'c', business: 'b', household: 'h' };

export function passes(cam: MapCamera, f: CameraFilter): boolean {
  return (
    f.ownerships.includes(cam.ownership) &&
    f.statuses.includes(cam.status) &&
    (f.district === null || cam.district_code === f.district) &&
    (f.commune === null || cam.commune_code === f.commune)
  );
}

/** A filter's cache key: the same selection in any order is the same index. */
export function filterKey(f: CameraFilter): string {
  return [[...f.ownerships].sort().join(','), [...f.statuses].sort().join(','), f.district ?? '', f.commune ?? ''].join('|');
}

/** Where each camera sits in the cluster tree: the smallest cluster holding it, and each cluster's parent (-1: none). */
interface Ancestry {
  clusterOf: Int32Array;
  parentOf: Map<number, number>;
}

/**
 * The clustered cameras of one filter. `cameras` is the caller's array and is
 * read at query time, so a camera's status shown alone is always current. The
 * cluster tree depends only on the positions of the filter's cameras, so a
 * status change that keeps a camera in the filter moves the counts of the
 * clusters holding it (`moveStatus`) without building the tree again.
 */
export class CameraClusterIndex {
  private readonly index: Supercluster<Props, Reduced>;
  readonly matching: number;
  /** Found on the first status change, then kept: walking the tree costs about a quarter of building it. */
  private ancestry: Ancestry | null = null;
  /** Count changes since the build, per cluster id (supercluster keeps the counts of the build). */
  private readonly moved = new Map<number, Reduced>();

  constructor(
    private readonly cameras: readonly MapCamera[],
    private readonly filter: CameraFilter,
  ) {
    const points: Supercluster.PointFeature<Props>[] = [];
    for (let i = 0; i < cameras.length; i++) {
      const c = cameras[i];
      if (passes(c, filter)) points.push({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: [c.lon, c.lat] } });
    }
    this.matching = points.length;
    this.index = new Supercluster<Props, Reduced>({
      radius: CLUSTER_RADIUS_PX,
      maxZoom: CLUSTER_MAX_ZOOM,
      map: (p) => {
        const c = cameras[p.i];
        const r: Reduced = { c: 0, b: 0, h: 0, on: 0, dg: 0, of: 0, mt: 0, un: 0 };
        r[OWNER_KEY[c.ownership]] = 1;
        r[STATUS_KEY[c.status] ?? 'un'] = 1;
        return r;
      },
      reduce: (acc, p) => {
        for (const k of Object.keys(acc) as (keyof Reduced)[]) acc[k] += p[k];
      },
    }).load(points);
  }

  /** Clusters and single cameras within bbox [west, south, east, north] at an integer zoom. */
  view(bbox: [number, number, number, number], zoom: number): ViewAnswer {
    const clusters: MapCluster[] = [];
    const rows: unknown[][] = [];
    for (const f of this.index.getClusters(bbox, zoom)) {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties as Props | (Supercluster.ClusterProperties & Reduced);
      if ('cluster' in p && p.cluster) {
        const d = this.moved.get(p.cluster_id);
        if (d) for (const k of Object.keys(d) as (keyof Reduced)[]) p[k] += d[k];
        clusters.push({
          id: p.cluster_id,
          lat,
          lon,
          count: p.point_count,
          expansion_zoom: Math.min(this.index.getClusterExpansionZoom(p.cluster_id), CLUSTER_MAX_ZOOM + 1),
          by_ownership: { citizen: p.c, business: p.b, household: p.h },
          by_status: { online: p.on, degraded: p.dg, offline: p.of, maintenance: p.mt, unknown: p.un },
        });
      } else {
        const c = this.cameras[(p as Props).i];
        rows.push(MAP_CAMERA_COLUMNS.map((k) => c[k]));
      }
    }
    return { zoom, matching: this.matching, clusters, cameras: { columns: MAP_CAMERA_COLUMNS, rows } };
  }

  /**
   * Camera `i` (its place in the caller's array) went from status `from` to `to`;
   * the caller has already set the new status. Answers false when the change
   * takes the camera into or out of this filter: the tree itself must then be
   * built again.
   */
  moveStatus(i: number, from: MapStatus, to: MapStatus): boolean {
    const cam = this.cameras[i];
    const before = passes({ ...cam, status: from }, this.filter);
    const after = passes(cam, this.filter);
    if (before !== after) return false;
    if (!after || from === to) return true;
    this.ancestry ??= this.walk();
    for (let id = this.ancestry.clusterOf[i]; id !== -1; id = this.ancestry.parentOf.get(id) ?? -1) {
      let d = this.moved.get(id);
      if (!d) this.moved.set(id, (d = { c: 0, b: 0, h: 0, on: 0, dg: 0, of: 0, mt: 0, un: 0 }));
      d[STATUS_KEY[from]]--;
      d[STATUS_KEY[to]]++;
    }
    return true;
  }

  /** Every cluster's children, from the widest clusters down: each camera's smallest cluster and each cluster's parent. */
  private walk(): Ancestry {
    const clusterOf = new Int32Array(this.cameras.length).fill(-1);
    const parentOf = new Map<number, number>();
    const stack: number[] = [];
    for (const f of this.index.getClusters([-180, -85, 180, 85], 0)) if ('cluster' in f.properties && f.properties.cluster) stack.push(f.properties.cluster_id);
    while (stack.length > 0) {
      const id = stack.pop()!;
      for (const child of this.index.getChildren(id)) {
        const p = child.properties as Props | Supercluster.ClusterProperties;
        if ('cluster' in p && p.cluster) {
          parentOf.set(p.cluster_id, id);
          stack.push(p.cluster_id);
        } else clusterOf[(p as Props).i] = id;
      }
    }
    return { clusterOf, parentOf };
  }
}
