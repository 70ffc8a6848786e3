/**
 * Which administrative polygon holds a point, and which stretches of a route lie
 * inside each polygon. Boxes prune the point-in-polygon tests (turf), so a few
 * thousand lookups take milliseconds. Polygon and MultiPolygon are both accepted.
 */
import { booleanPointInPolygon } from '@turf/turf';
import { Interval, mergeIntervals, RouteChainage } from '../geo';

export interface AreaGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}

interface Item {
  key: string;
  bbox: [number, number, number, number];
  geometry: AreaGeometry;
}

export class PolygonLocator {
  private readonly items: Item[];

  constructor(polygons: { key: string; geometry: unknown }[]) {
    this.items = polygons.filter((p) => isArea(p.geometry)).map((p) => ({ key: p.key, geometry: p.geometry as AreaGeometry, bbox: bboxOf(p.geometry as AreaGeometry) }));
  }

  get size(): number {
    return this.items.length;
  }

  /** The key of the first polygon containing (lat, lon), or null. */
  locate(lat: number, lon: number): string | null {
    for (const it of this.items) if (this.inItem(it, lat, lon)) return it.key;
    return null;
  }

  contains(key: string, lat: number, lon: number): boolean {
    const it = this.items.find((i) => i.key === key);
    return it ? this.inItem(it, lat, lon) : false;
  }

  /**
   * Per polygon key, the chainage intervals of `route` inside it, decided at the
   * midpoint of every `stepM` piece: boundaries are placed to within stepM / 2,
   * ample for a per-commune summary.
   */
  routeShares(route: RouteChainage, stepM = 25): Map<string, Interval[]> {
    const out = new Map<string, Interval[]>();
    const n = Math.max(1, Math.ceil(route.length / stepM));
    for (let k = 0; k < n; k++) {
      const from = (k * route.length) / n;
      const to = ((k + 1) * route.length) / n;
      const p = route.pointAt((from + to) / 2);
      const key = this.locate(p.lat, p.lon);
      if (key === null) continue;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push([from, to]);
    }
    for (const [key, list] of out) out.set(key, mergeIntervals(list));
    return out;
  }

  private inItem(it: Item, lat: number, lon: number): boolean {
    const b = it.bbox;
    if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) return false;
    return booleanPointInPolygon([lon, lat], it.geometry as never);
  }
}

function isArea(g: unknown): g is AreaGeometry {
  const t = (g as { type?: string } | null)?.type;
  return t === 'Polygon' || t === 'MultiPolygon';
}

function bboxOf(g: AreaGeometry): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const rings = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  for (const poly of rings)
    for (const [x, y] of poly[0]) {
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  return b;
}
