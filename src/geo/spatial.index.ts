/**
 * Cameras by distance from a point: a kdbush index on lon/lat, queried with a
 * box that surely holds the circle, then filtered and sorted by exact haversine
 * distance. Static: rebuild it when the inventory changes (24,609 points build in
 * a few milliseconds). Longitudes are not wrapped at ±180°.
 */
import KDBush from 'kdbush';
import { haversineM, metresToDegLat, metresToDegLon } from './geo.math';

export interface IndexedPoint<Id> {
  id: Id;
  lat: number;
  lon: number;
}

export interface NearHit<Id> {
  id: Id;
  distance_m: number;
}

export class PointIndex<Id = number> {
  private readonly ids: Id[];
  private readonly lats: Float64Array;
  private readonly lons: Float64Array;
  private readonly index: KDBush;

  constructor(points: readonly IndexedPoint<Id>[]) {
    this.ids = points.map((p) => p.id);
    this.lats = Float64Array.from(points, (p) => p.lat);
    this.lons = Float64Array.from(points, (p) => p.lon);
    // kdbush refuses an empty index; a lone dummy point is filtered out by `size`.
    this.index = new KDBush(Math.max(1, points.length));
    for (const p of points) this.index.add(p.lon, p.lat);
    if (points.length === 0) this.index.add(0, 0);
    this.index.finish();
  }

  get size(): number {
    return this.ids.length;
  }

  /** Points within `radiusM` (great-circle) of (lat, lon), nearest first. */
  near(lat: number, lon: number, radiusM: number): NearHit<Id>[] {
    if (!(radiusM >= 0) || this.ids.length === 0) return [];
    const dLat = metresToDegLat(radiusM) * 1.001;
    const dLon = metresToDegLon(radiusM, lat) * 1.001;
    const out: NearHit<Id>[] = [];
    for (const k of this.index.range(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const d = haversineM(lat, lon, this.lats[k], this.lons[k]);
      if (d <= radiusM) out.push({ id: this.ids[k], distance_m: d });
    }
    return out.sort((a, b) => a.distance_m - b.distance_m);
  }
}
