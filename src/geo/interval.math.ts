/**
 * Arithmetic on sets of chainage intervals [from_m, to_m]: merging into a sorted
 * disjoint union, total length, the uncovered stretches (gaps), and the
 * uncovered length inside a window (what a new camera would add).
 */

/** A closed stretch of a route, [from_m, to_m] with from_m ≤ to_m. */
export type Interval = [number, number];

export interface Gap {
  from_m: number;
  to_m: number;
  length_m: number;
}

/** Sorted, disjoint union of `intervals` (overlapping or touching ones are joined). */
export function mergeIntervals(intervals: readonly (readonly [number, number])[]): Interval[] {
  const sorted = intervals.filter((i) => i[1] > i[0]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Interval[] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) {
      if (to > last[1]) last[1] = to;
    } else {
      out.push([from, to]);
    }
  }
  return out;
}

/** Total length of a merged interval set, metres. */
export function coveredLength(intervals: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (const [from, to] of intervals) sum += to - from;
  return sum;
}

/**
 * The maximal uncovered stretches of [0, routeLength] at least `minGapM` long.
 * `intervals` must be merged and sorted (as mergeIntervals returns them).
 */
export function gaps(routeLength: number, intervals: readonly (readonly [number, number])[], minGapM = 0): Gap[] {
  const out: Gap[] = [];
  let cursor = 0;
  const push = (from: number, to: number) => {
    const length = to - from;
    if (length > 0 && length >= minGapM) out.push({ from_m: from, to_m: to, length_m: length });
  };
  for (const [from, to] of intervals) {
    if (from > cursor) push(cursor, Math.min(from, routeLength));
    if (to > cursor) cursor = to;
    if (cursor >= routeLength) break;
  }
  if (cursor < routeLength) push(cursor, routeLength);
  return out;
}

/** Index of the first interval whose end is > m (merged, sorted input). */
export function firstEndingAfter(intervals: readonly (readonly [number, number])[], m: number): number {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (intervals[mid][1] <= m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Length of [from, to] not covered by the merged, sorted `covered`. */
export function uncoveredLengthWithin(covered: readonly (readonly [number, number])[], from: number, to: number): number {
  if (!(to > from)) return 0;
  let free = to - from;
  for (let k = firstEndingAfter(covered, from); k < covered.length && covered[k][0] < to; k++) {
    free -= Math.min(to, covered[k][1]) - Math.max(from, covered[k][0]);
  }
  return Math.max(0, free);
}

/** `covered` (merged, sorted) with `add` joined in, still merged and sorted. */
export function addInterval(covered: readonly Interval[], add: Interval): Interval[] {
  if (!(add[1] > add[0])) return covered.slice();
  const k = firstEndingAfter(covered, add[0]);
  const out = covered.slice(0, k);
  let [from, to] = add;
  let j = k;
  // firstEndingAfter uses a strict end > from, so an interval ending exactly at
  // `from` sits just before k and must be joined too.
  if (out.length && out[out.length - 1][1] >= from) {
    from = Math.min(from, out[out.length - 1][0]);
    out.pop();
  }
  for (; j < covered.length && covered[j][0] <= to; j++) {
    from = Math.min(from, covered[j][0]);
    to = Math.max(to, covered[j][1]);
  }
  out.push([from, to]);
  for (; j < covered.length; j++) out.push(covered[j]);
  return out;
}

/** The overlap of two merged, sorted interval sets, merged and sorted. */
export function intersectIntervals(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (hi > lo) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}
