/**
 * A route (GeoJSON LineString, [lon, lat] vertices) measured by chainage: metres
 * from the first vertex along the line. Each segment's length is its great-circle
 * length; within a segment, position is linear in lon/lat (as the map draws it),
 * so chainage is proportional to the segment parameter t ∈ [0, 1].
 */
import { haversineM, LatLon, LocalProjection, LonLat } from './geo.math';

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: LonLat[];
}

export interface ChainagePoint extends LatLon {
  /** Chainage of the nearest point on the route, metres. */
  chainageM: number;
  /** Great-circle distance from the query point to that nearest point, metres. */
  distanceM: number;
}

export class RouteChainage {
  readonly coordinates: readonly LonLat[];
  /** cumulative[i] is the chainage of vertex i; cumulative[last] is the length. */
  readonly cumulative: Float64Array;
  readonly length: number;

  constructor(coordinates: readonly LonLat[]) {
    if (coordinates.length < 2) {
      throw new Error(`a route needs at least 2 vertices, got ${coordinates.length}`);
    }
    this.coordinates = coordinates.map((c) => [c[0], c[1]] as LonLat);
    this.cumulative = new Float64Array(coordinates.length);
    for (let i = 1; i < coordinates.length; i++) {
      const [lon1, lat1] = coordinates[i - 1];
      const [lon2, lat2] = coordinates[i];
      this.cumulative[i] = this.cumulative[i - 1] + haversineM(lat1, lon1, lat2, lon2);
    }
    this.length = this.cumulative[coordinates.length - 1];
  }

  get segmentCount(): number {
    return this.coordinates.length - 1;
  }

  segmentLength(i: number): number {
    return this.cumulative[i + 1] - this.cumulative[i];
  }

  /** Index of the segment holding chainage `m` (clamped to the route). */
  segmentAt(m: number): number {
    let lo = 0;
    let hi = this.coordinates.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cumulative[mid] <= m) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The point at chainage `m` (clamped to [0, length]) as [lon, lat]. */
  positionAt(m: number): LonLat {
    const c = Math.max(0, Math.min(this.length, m));
    const i = this.segmentAt(c);
    const len = this.segmentLength(i);
    const t = len > 0 ? Math.min(1, (c - this.cumulative[i]) / len) : 0;
    const [lon1, lat1] = this.coordinates[i];
    const [lon2, lat2] = this.coordinates[i + 1];
    return [lon1 + (lon2 - lon1) * t, lat1 + (lat2 - lat1) * t];
  }

  /** The point at chainage `m` (clamped to [0, length]). */
  pointAt(m: number): LatLon {
    const [lon, lat] = this.positionAt(m);
    return { lat, lon };
  }

  /** Coordinates of the stretch between two chainages (clamped, in order). */
  slice(fromM: number, toM: number): LonLat[] {
    const a = Math.max(0, Math.min(this.length, Math.min(fromM, toM)));
    const b = Math.max(0, Math.min(this.length, Math.max(fromM, toM)));
    const out: LonLat[] = [this.positionAt(a)];
    const last = this.coordinates.length - 1;
    for (let i = this.segmentAt(a) + 1; i <= last && this.cumulative[i] < b; i++) {
      if (this.cumulative[i] > a) out.push([this.coordinates[i][0], this.coordinates[i][1]]);
    }
    out.push(this.positionAt(b));
    return out;
  }

  /** The stretch between two chainages as a GeoJSON LineString (for gap geometry). */
  sliceGeometry(fromM: number, toM: number): LineStringGeometry {
    return { type: 'LineString', coordinates: this.slice(fromM, toM) };
  }

  /**
   * The nearest point of the route to (lat, lon) and its chainage. Scans every
   * segment: routes have at most a few thousand vertices and this runs per
   * request, not per camera.
   */
  project(lat: number, lon: number): ChainagePoint {
    const proj = new LocalProjection(lat, lon);
    let bestD2 = Infinity;
    let bestSeg = 0;
    let bestT = 0;
    for (let i = 0; i < this.coordinates.length - 1; i++) {
      const ax = proj.x(this.coordinates[i][0]);
      const ay = proj.y(this.coordinates[i][1]);
      const dx = proj.x(this.coordinates[i + 1][0]) - ax;
      const dy = proj.y(this.coordinates[i + 1][1]) - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
      const px = ax + dx * t;
      const py = ay + dy * t;
      const d2 = px * px + py * py;
      if (d2 < bestD2) {
        bestD2 = d2;
        bestSeg = i;
        bestT = t;
      }
    }
    const chainageM = this.cumulative[bestSeg] + bestT * this.segmentLength(bestSeg);
    const [plon, plat] = this.positionAt(chainageM);
    return { lat: plat, lon: plon, chainageM, distanceM: haversineM(lat, lon, plat, plon) };
  }
}
