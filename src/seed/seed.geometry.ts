/**
 * The few geometric operations the seed generator needs on top of turf: route
 * sampling at a fixed spacing and offsets in metres. Polygon lookups are the
 * shared PolygonIndex of src/geo.
 */
import { bearing, destination, distance, length, lineString } from '@turf/turf';
import { normalizeDeg, type LonLat } from '../geo/geo.math';

/** The point `distanceM` metres from p towards `bearingDeg` (great circle). */
export function offset(p: LonLat, distanceM: number, bearingDeg: number): LonLat {
  if (distanceM === 0) return [p[0], p[1]];
  const c = destination(p, distanceM, bearingDeg, { units: 'meters' }).geometry.coordinates;
  return [c[0], c[1]];
}

export function distanceM(a: LonLat, b: LonLat): number {
  return distance(a, b, { units: 'meters' });
}

export function bearingDeg(a: LonLat, b: LonLat): number {
  return normalizeDeg(bearing(a, b));
}

/** Great-circle length of a line in metres. */
export function lineLengthM(coords: LonLat[]): number {
  return length(lineString(coords), { units: 'meters' });
}

export interface LineSample {
  point: LonLat;
  /** Distance from the first vertex, metres. */
  chainageM: number;
  /** Direction of travel at this point, degrees from north. */
  bearingDeg: number;
}

/**
 * Points every `spacingM` metres along a line. Within a segment (≤ 1.5 km in this
 * data) linear interpolation in lon/lat is off the great circle by well under a metre.
 */
export function sampleLine(coords: LonLat[], spacingM: number): LineSample[] {
  const out: LineSample[] = [];
  let start = 0;
  let next = 0;
  for (let i = 0; i + 1 < coords.length; i++) {
    const a = coords[i];
    const b = coords[i + 1];
    const segLen = distanceM(a, b);
    if (segLen === 0) continue;
    const brg = bearingDeg(a, b);
    while (next <= start + segLen) {
      const t = (next - start) / segLen;
      out.push({ point: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], chainageM: next, bearingDeg: brg });
      next += spacingM;
    }
    start += segLen;
  }
  return out;
}
