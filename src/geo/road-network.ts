/**
 * One road network out of the routes. Where a route runs over an earlier one
 * (within SHARED_TOLERANCE_M for at least MIN_SHARED_M, as QL N2 does over QL62
 * for about 14 km), that stretch is one piece of road, held in the earlier
 * route's chainage (its "canonical" place). Coverage, gaps and planning all count
 * a shared stretch once in network totals, while each route still reports its
 * own length and its own covered metres.
 */
import { LonLat } from './geo.math';
import { coveredLength, firstEndingAfter, intersectIntervals, Interval, mergeIntervals } from './interval.math';
import { RouteInput, RouteInterval, RouteNetwork } from './route-network';

/** Two digitisations of one road are this close; separate parallel roads are farther apart. */
export const SHARED_TOLERANCE_M = 15;
/** Shorter runs within the tolerance are crossings or touching ends, not a shared road. */
export const MIN_SHARED_M = 200;
/** Sample step when looking for shared stretches (the precision of their ends). */
const SAMPLE_STEP_M = 10;

/**
 * A stretch [fromM, toM] of a route and where it lies on the network: on
 * canonRoute between canonFrom and canonTo (linear in between; canonFrom >
 * canonTo when the two routes were drawn in opposite directions).
 */
export interface RoadPiece {
  fromM: number;
  toM: number;
  canonRoute: number;
  canonFrom: number;
  canonTo: number;
}

/** A stretch of one route that lies on an earlier route, for reports. */
export interface SharedStretch {
  routeIndex: number;
  fromM: number;
  toM: number;
  canonRoute: number;
  canonLoM: number;
  canonHiM: number;
}

export class RoadNetwork {
  readonly routes: RouteNetwork;
  /** Per route, sorted pieces covering [0, length] exactly. */
  readonly pieces: RoadPiece[][];
  /** Per route, the stretches that are its own (not on an earlier route), in its chainage. */
  readonly owned: Interval[][];
  readonly shared: SharedStretch[];
  /** Length of the network, each shared stretch once, metres. */
  readonly lengthM: number;

  constructor(routes: RouteNetwork | readonly RouteInput[]) {
    this.routes = routes instanceof RouteNetwork ? routes : new RouteNetwork(routes);
    this.pieces = [];
    this.owned = [];
    this.shared = [];
    this.routes.routes.forEach((_, r) => {
      const { pieces, runs } = this.findPieces(r);
      this.pieces.push(pieces);
      this.owned.push(pieces.filter((p) => p.canonRoute === r).map((p) => [p.fromM, p.toM] as Interval));
      this.shared.push(...runs);
    });
    this.lengthM = this.owned.reduce((s, list) => s + coveredLength(list), 0);
  }

  get routeCount(): number {
    return this.pieces.length;
  }

  /** Where [from, to] of route `routeIndex` lies on the network (not merged). */
  toCanonical(routeIndex: number, from: number, to: number, out: RouteInterval[] = []): RouteInterval[] {
    const pieces = this.pieces[routeIndex];
    for (let k = firstPieceEndingAfter(pieces, from); k < pieces.length && pieces[k].fromM < to; k++) {
      const p = pieces[k];
      const a = Math.max(from, p.fromM);
      const b = Math.min(to, p.toM);
      if (!(b > a)) continue;
      if (p.canonRoute === routeIndex) {
        out.push({ routeIndex, from_m: a, to_m: b });
        continue;
      }
      const scale = (p.canonTo - p.canonFrom) / (p.toM - p.fromM);
      const x = p.canonFrom + (a - p.fromM) * scale;
      const y = p.canonFrom + (b - p.fromM) * scale;
      out.push({ routeIndex: p.canonRoute, from_m: Math.min(x, y), to_m: Math.max(x, y) });
    }
    return out;
  }

  /** Per-route intervals (each in its own chainage) as merged network intervals per canonical route. */
  canonicalize(perRoute: readonly (readonly Interval[])[]): Interval[][] {
    const parts: RouteInterval[] = [];
    perRoute.forEach((list, r) => {
      for (const [a, b] of list) this.toCanonical(r, a, b, parts);
    });
    return this.groupByRoute(parts);
  }

  /** Merged per canonical route. */
  groupByRoute(parts: readonly RouteInterval[]): Interval[][] {
    const byRoute: Interval[][] = this.pieces.map(() => []);
    for (const p of parts) byRoute[p.routeIndex].push([p.from_m, p.to_m]);
    return byRoute.map((list) => mergeIntervals(list));
  }

  /** Network coverage back in each route's own chainage (a shared stretch covered is covered on every route it carries). */
  perRoute(canonical: readonly (readonly Interval[])[]): Interval[][] {
    return this.pieces.map((pieces) => {
      const out: Interval[] = [];
      for (const p of pieces) {
        const covered = canonical[p.canonRoute];
        const lo = Math.min(p.canonFrom, p.canonTo);
        const hi = Math.max(p.canonFrom, p.canonTo);
        if (hi === lo) {
          if (covered.some(([a, b]) => a <= lo && b >= hi)) out.push([p.fromM, p.toM]);
          continue;
        }
        const scale = (p.toM - p.fromM) / (p.canonTo - p.canonFrom);
        // Binary search to the first covered stretch reaching into the piece: a
        // shared stretch is a thousand 10 m pieces, the covered list thousands long.
        for (let k = firstEndingAfter(covered, lo); k < covered.length && covered[k][0] < hi; k++) {
          const a = Math.max(lo, covered[k][0]);
          const b = Math.min(hi, covered[k][1]);
          if (!(b > a)) continue;
          const x = p.fromM + (a - p.canonFrom) * scale;
          const y = p.fromM + (b - p.canonFrom) * scale;
          out.push([Math.min(x, y), Math.max(x, y)]);
        }
      }
      return mergeIntervals(out);
    });
  }

  /** Metres of the network covered, each shared stretch once. */
  coveredM(canonical: readonly (readonly Interval[])[]): number {
    let sum = 0;
    canonical.forEach((list, q) => (sum += coveredLength(intersectIntervals(list, this.owned[q]))));
    return sum;
  }

  /** The route indexes whose road passes through canonical (route, chainage): the route itself and those sharing it there. */
  routesAt(canonRoute: number, chainageM: number): number[] {
    const out = [canonRoute];
    for (const s of this.shared) {
      if (s.canonRoute === canonRoute && chainageM >= s.canonLoM - SAMPLE_STEP_M && chainageM <= s.canonHiM + SAMPLE_STEP_M) out.push(s.routeIndex);
    }
    return [...new Set(out)];
  }

  /** The route indexes whose road runs along some of canonical (route, from–to). */
  routesAlong(canonRoute: number, fromM: number, toM: number): number[] {
    const out = [canonRoute];
    for (const s of this.shared) if (s.canonRoute === canonRoute && s.canonLoM < toM && s.canonHiM > fromM) out.push(s.routeIndex);
    return [...new Set(out)];
  }

  /**
   * Samples route r every SAMPLE_STEP_M and asks, for each sample, whether an
   * earlier route passes within the tolerance; runs of such samples on one
   * earlier route, progressing along it and long enough, become shared pieces.
   */
  private findPieces(r: number): { pieces: RoadPiece[]; runs: SharedStretch[] } {
    const c = this.routes.routes[r].chainage;
    const length = c.length;
    const own = (fromM: number, toM: number): RoadPiece => ({ fromM, toM, canonRoute: r, canonFrom: fromM, canonTo: toM });
    if (r === 0 || length === 0) return { pieces: [own(0, length)], runs: [] };
    const n = Math.max(1, Math.ceil(length / SAMPLE_STEP_M));
    const s: number[] = [];
    const match: ({ routeIndex: number; chainageM: number } | null)[] = [];
    for (let k = 0; k <= n; k++) {
      const m = Math.min(length, k * SAMPLE_STEP_M);
      const [lon, lat]: LonLat = c.positionAt(m);
      s.push(m);
      match.push(this.routes.nearestOnEarlier(lat, lon, SHARED_TOLERANCE_M, r));
    }
    // Runs of consecutive matches on the same route whose chainage there advances
    // about as fast as ours (a jump means a different place on that route).
    const runs: [number, number][] = [];
    let start = -1;
    for (let k = 0; k <= n; k++) {
      const cur = match[k];
      const prev = k > 0 ? match[k - 1] : null;
      const continues =
        cur !== null &&
        prev !== null &&
        start >= 0 &&
        cur.routeIndex === prev.routeIndex &&
        Math.abs(cur.chainageM - prev.chainageM) <= 3 * (s[k] - s[k - 1]) + 1;
      if (continues) continue;
      if (start >= 0) runs.push([start, k - 1]);
      start = cur ? k : -1;
    }
    if (start >= 0) runs.push([start, n]);

    const pieces: RoadPiece[] = [];
    const sharedRuns: SharedStretch[] = [];
    let cursor = 0;
    for (const [a, b] of runs) {
      if (s[b] - s[a] < MIN_SHARED_M) continue;
      if (s[a] > cursor) pieces.push(own(cursor, s[a]));
      const q = match[a]!.routeIndex;
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = a; k < b; k++) {
        pieces.push({ fromM: s[k], toM: s[k + 1], canonRoute: q, canonFrom: match[k]!.chainageM, canonTo: match[k + 1]!.chainageM });
        lo = Math.min(lo, match[k]!.chainageM, match[k + 1]!.chainageM);
        hi = Math.max(hi, match[k]!.chainageM, match[k + 1]!.chainageM);
      }
      sharedRuns.push({ routeIndex: r, fromM: s[a], toM: s[b], canonRoute: q, canonLoM: lo, canonHiM: hi });
      cursor = s[b];
    }
    if (cursor < length) pieces.push(own(cursor, length));
    return { pieces: pieces.filter((p) => p.toM > p.fromM), runs: sharedRuns };
  }
}

/** Index of the first piece ending after m (pieces sorted and contiguous). */
function firstPieceEndingAfter(pieces: readonly RoadPiece[], m: number): number {
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pieces[mid].toM <= m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
