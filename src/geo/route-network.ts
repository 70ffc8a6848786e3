/**
 * A set of routes prepared once for fast "which stretches of which routes does
 * this camera see?" questions: every segment is sampled every SAMPLE_SPACING_M
 * into a kdbush index, so finding the segments within a camera's range is one
 * box query, and each candidate segment is then cut exactly by sector-segment.
 */
import KDBush from 'kdbush';
import { FieldOfView } from './field-of-view';
import { LocalProjection, LonLat, metresToDegLat, metresToDegLon } from './geo.math';
import { Interval, mergeIntervals } from './interval.math';
import { RouteChainage } from './route-chainage';
import { segmentSectorParams } from './sector-segment';

/** A route as the inventory holds it. */
export interface RouteInput {
  ref: string;
  name?: string;
  coordinates: readonly LonLat[];
}

export interface NetworkRoute {
  ref: string;
  name?: string;
  chainage: RouteChainage;
}

/** A stretch of one route (by its index in RouteNetwork.routes). */
export interface RouteInterval {
  routeIndex: number;
  from_m: number;
  to_m: number;
}

/**
 * Sample spacing of the segment index. A segment within r of a camera has a
 * sample within r + spacing / 2, so queries widen by that much (plus slack for
 * the lon/lat-linear vs great-circle difference along long segments).
 */
const SAMPLE_SPACING_M = 100;
const QUERY_SLACK_M = SAMPLE_SPACING_M / 2 + 5;

export class RouteNetwork {
  readonly routes: NetworkRoute[];
  private readonly segRoute: Int32Array;
  private readonly segIndex: Int32Array;
  private readonly sampleSeg: Int32Array;
  private readonly index: KDBush;
  /** Per-segment stamp of the last query that saw it, to drop duplicate samples. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(routes: readonly RouteInput[]) {
    this.routes = routes.map((r) => ({ ref: r.ref, name: r.name, chainage: new RouteChainage(r.coordinates) }));
    const segRoute: number[] = [];
    const segIndex: number[] = [];
    const samples: { lon: number; lat: number; seg: number }[] = [];
    this.routes.forEach((route, ri) => {
      const c = route.chainage;
      for (let i = 0; i < c.segmentCount; i++) {
        const seg = segRoute.length;
        segRoute.push(ri);
        segIndex.push(i);
        const n = Math.max(1, Math.ceil(c.segmentLength(i) / SAMPLE_SPACING_M));
        const [lon1, lat1] = c.coordinates[i];
        const [lon2, lat2] = c.coordinates[i + 1];
        for (let k = 0; k <= n; k++) {
          samples.push({ lon: lon1 + ((lon2 - lon1) * k) / n, lat: lat1 + ((lat2 - lat1) * k) / n, seg });
        }
      }
    });
    this.segRoute = Int32Array.from(segRoute);
    this.segIndex = Int32Array.from(segIndex);
    this.sampleSeg = Int32Array.from(samples.map((s) => s.seg));
    this.seen = new Uint32Array(segRoute.length);
    this.index = new KDBush(Math.max(1, samples.length));
    for (const s of samples) this.index.add(s.lon, s.lat);
    if (samples.length === 0) this.index.add(0, 0);
    this.index.finish();
  }

  /** Total length of all routes, metres. */
  get totalLength(): number {
    return this.routes.reduce((sum, r) => sum + r.chainage.length, 0);
  }

  /** Global ids of the segments that may come within `radiusM` of (lat, lon). */
  segmentsNear(lat: number, lon: number, radiusM: number): number[] {
    const m = radiusM + QUERY_SLACK_M;
    const dLat = metresToDegLat(m);
    const dLon = metresToDegLon(m, lat);
    const hits = this.index.range(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const out: number[] = [];
    for (const h of hits) {
      const seg = this.sampleSeg[h];
      if (seg === undefined || this.seen[seg] === this.stamp) continue;
      this.seen[seg] = this.stamp;
      out.push(seg);
    }
    return out;
  }

  /**
   * The nearest point within `radiusM` of (lat, lon) on any route whose index is
   * below `beforeRoute`, preferring the lowest route index among those within
   * reach (so a stretch shared by several routes is always claimed by the first).
   */
  nearestOnEarlier(lat: number, lon: number, radiusM: number, beforeRoute: number): { routeIndex: number; chainageM: number; distanceM: number } | null {
    const proj = new LocalProjection(lat, lon);
    let best: { routeIndex: number; chainageM: number; distanceM: number } | null = null;
    for (const seg of this.segmentsNear(lat, lon, radiusM)) {
      const ri = this.segRoute[seg];
      if (ri >= beforeRoute) continue;
      const i = this.segIndex[seg];
      const c = this.routes[ri].chainage;
      const ax = proj.x(c.coordinates[i][0]);
      const ay = proj.y(c.coordinates[i][1]);
      const dx = proj.x(c.coordinates[i + 1][0]) - ax;
      const dy = proj.y(c.coordinates[i + 1][1]) - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
      const d = Math.hypot(ax + dx * t, ay + dy * t);
      if (d > radiusM) continue;
      if (!best || ri < best.routeIndex || (ri === best.routeIndex && d < best.distanceM)) {
        best = { routeIndex: ri, chainageM: c.cumulative[i] + t * c.segmentLength(i), distanceM: d };
      }
    }
    return best;
  }

  /**
   * Exactly the stretches of every route that `camera` sees, merged per route and
   * sorted by route index then chainage.
   */
  cameraIntervals(camera: FieldOfView): RouteInterval[] {
    if (!(camera.rangeM > 0) || !(camera.fovDeg > 0)) return [];
    const segs = this.segmentsNear(camera.lat, camera.lon, camera.rangeM);
    if (segs.length === 0) return [];
    const proj = new LocalProjection(camera.lat, camera.lon);
    const byRoute = new Map<number, Interval[]>();
    for (const seg of segs) {
      const ri = this.segRoute[seg];
      const i = this.segIndex[seg];
      const c = this.routes[ri].chainage;
      const [aLon, aLat] = c.coordinates[i];
      const [bLon, bLat] = c.coordinates[i + 1];
      const params = segmentSectorParams(camera, aLon, aLat, bLon, bLat, proj);
      if (params.length === 0) continue;
      const base = c.cumulative[i];
      const len = c.segmentLength(i);
      let list = byRoute.get(ri);
      if (!list) byRoute.set(ri, (list = []));
      for (const [t0, t1] of params) list.push([base + t0 * len, base + t1 * len]);
    }
    const out: RouteInterval[] = [];
    for (const ri of [...byRoute.keys()].sort((a, b) => a - b)) {
      for (const [from, to] of mergeIntervals(byRoute.get(ri)!)) out.push({ routeIndex: ri, from_m: from, to_m: to });
    }
    return out;
  }
}
