/**
 * Administrative polygons by key, answering "which one holds this point" quickly:
 * a bounding box per polygon prunes the exact point-in-polygon tests (turf), so the
 * seed's tens of thousands of lookups take milliseconds. Polygon and MultiPolygon
 * are both accepted; other geometries are left out.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { LonLat } from './geo.math';
import { mergeIntervals, type Interval } from './interval.math';
import type { RouteChainage } from './route-chainage';

export interface AreaGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}

type BBox = [number, number, number, number];

interface Item {
  key: string;
  bbox: BBox;
  geometry: AreaGeometry;
  /** The outer ring of each part, for the nearest-vertex fallback. */
  outerRings: number[][][];
}

export class PolygonIndex {
  private readonly items: Item[] = [];
  private readonly byKey = new Map<string, Item>();

  constructor(polygons: { key: string; geometry: unknown }[]) {
    for (const p of polygons) {
      if (!isArea(p.geometry)) continue;
      const outerRings = ((p.geometry.type === 'Polygon' ? [p.geometry.coordinates] : p.geometry.coordinates) as number[][][][]).map((poly) => poly[0]);
      const item = { key: p.key, geometry: p.geometry, outerRings, bbox: bboxOf(outerRings) };
      this.items.push(item);
      this.byKey.set(item.key, item);
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Whether polygon `key` holds p; an unknown key is a programming error. */
  contains(key: string, p: LonLat): boolean {
    const it = this.byKey.get(key);
    if (!it) throw new Error(`no polygon ${key}`);
    return inItem(it, p);
  }

  /** The key of the first polygon holding p, trying `hints` first; null when none does. */
  find(p: LonLat, hints: readonly string[] = []): string | null {
    for (const k of hints) {
      const it = this.byKey.get(k);
      if (it && inItem(it, p)) return k;
    }
    for (const it of this.items) if (inItem(it, p)) return it.key;
    return null;
  }

  /**
   * The polygon with the boundary vertex nearest to p: the fallback for the few points
   * that fall in the slivers between independently simplified polygons.
   */
  nearest(p: LonLat): string {
    if (this.items.length === 0) throw new Error('nearest polygon asked of an empty index');
    let best = this.items[0].key;
    let bestD = Infinity;
    const k = Math.cos((p[1] * Math.PI) / 180);
    for (const it of this.items) {
      for (const ring of it.outerRings) {
        for (const [x, y] of ring) {
          const d = ((x - p[0]) * k) ** 2 + (y - p[1]) ** 2;
          if (d < bestD) {
            bestD = d;
            best = it.key;
          }
        }
      }
    }
    return best;
  }

  /** The polygon holding p, else the nearest one. */
  locate(p: LonLat, hints: readonly string[] = []): string {
    return this.find(p, hints) ?? this.nearest(p);
  }

  /**
   * Per polygon key, the chainage intervals of `route` inside it, decided at the
   * midpoint of every `stepM` piece: boundaries are placed to within stepM / 2,
   * ample for a per-commune summary. Stretches outside every polygon are left out.
   */
  routeShares(route: RouteChainage, stepM = 25): Map<string, Interval[]> {
    const out = new Map<string, Interval[]>();
    const n = Math.max(1, Math.ceil(route.length / stepM));
    for (let k = 0; k < n; k++) {
      const from = (k * route.length) / n;
      const to = ((k + 1) * route.length) / n;
      const mid = route.pointAt((from + to) / 2);
      const key = this.find([mid.lon, mid.lat]);
      if (key === null) continue;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push([from, to]);
    }
    for (const [key, list] of out) out.set(key, mergeIntervals(list));
    return out;
  }
}

function inItem(it: Item, p: LonLat): boolean {
  const b = it.bbox;
  if (p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3]) return false;
  return booleanPointInPolygon(p, it.geometry as never);
}

function isArea(g: unknown): g is AreaGeometry {
  const t = (g as { type?: string } | null)?.type;
  return t === 'Polygon' || t === 'MultiPolygon';
}

function bboxOf(outerRings: number[][][]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of outerRings)
    for (const [x, y] of ring) {
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  return b;
}
