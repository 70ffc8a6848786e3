/**
 * The few geometric operations the seed generator needs, on top of turf: a polygon
 * lookup with bounding-box pruning (tens of thousands of point-in-polygon tests must
 * take milliseconds), route sampling at a fixed spacing, and offsets in metres.
 */
import { bearing, booleanPointInPolygon, destination, distance, length, lineString } from '@turf/turf';
import type { LonLat, PolygonGeometry } from './seed.data';

type BBox = [number, number, number, number];

function bboxOf(g: PolygonGeometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of g.coordinates[0]) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

/** Polygons by key, answering "which contains this point" quickly. */
export class PolygonIndex {
  private readonly items: { key: string; bbox: BBox; geometry: PolygonGeometry }[];
  private readonly byKey = new Map<string, { key: string; bbox: BBox; geometry: PolygonGeometry }>();

  constructor(polygons: { key: string; geometry: PolygonGeometry }[]) {
    this.items = polygons.map((p) => ({ key: p.key, bbox: bboxOf(p.geometry), geometry: p.geometry }));
    for (const it of this.items) this.byKey.set(it.key, it);
  }

  contains(key: string, p: LonLat): boolean {
    const it = this.byKey.get(key);
    if (!it) throw new Error(`no polygon ${key}`);
    const b = it.bbox;
    if (p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3]) return false;
    return booleanPointInPolygon(p, it.geometry);
  }

  /** The key of the first polygon containing p, trying `hints` first; null when none does. */
  find(p: LonLat, hints: readonly string[] = []): string | null {
    for (const k of hints) if (this.byKey.has(k) && this.contains(k, p)) return k;
    for (const it of this.items) if (this.contains(it.key, p)) return it.key;
    return null;
  }

  /**
   * The polygon whose boundary vertex is nearest to p: the fallback for the few points
   * that fall in the slivers between independently simplified polygons.
   */
  nearest(p: LonLat): string {
    let best = this.items[0].key;
    let bestD = Infinity;
    const k = Math.cos((p[1] * Math.PI) / 180);
    for (const it of this.items) {
      for (const [x, y] of it.geometry.coordinates[0]) {
        const d = ((x - p[0]) * k) ** 2 + (y - p[1]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = it.key;
        }
      }
    }
    return best;
  }

  /** Found, else nearest. */
  locate(p: LonLat, hints: readonly string[] = []): string {
    return this.find(p, hints) ?? this.nearest(p);
  }
}

export function normalizeDeg(d: number): number {
  const r = d % 360;
  return r < 0 ? r + 360 : r;
}

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
