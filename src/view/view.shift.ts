/**
 * How far a picture has slid against its reference: zero-mean normalised correlation
 * (ZNCC) of the two edge maps over every shift in a window, coarse to fine. ZNCC is
 * blind to the light's gain and offset, so a darker or brighter day matches the
 * reference as well as the reference matches itself. Pure.
 */

export interface ShiftMatch {
  /** Correlation at zero shift, −1…1. */
  atZero: number;
  /** Best correlation found and where: cur(x, y) ≈ ref(x + dx, y + dy), in edge-map cells. */
  best: number;
  dx: number;
  dy: number;
}

/**
 * A map with the summed-area tables of its values and of their squares ((w + 1) × (h + 1),
 * row 0 and column 0 zero): the sums over any overlap cost four reads each, so a shift's
 * correlation walks the overlap once, for the cross products only.
 */
export interface PreparedMap {
  /** The values widened to float64 once, not at each of the hundreds of shifts. */
  map: Float64Array;
  w: number;
  h: number;
  sum: Float64Array;
  sq: Float64Array;
}

export function prepareMap(map: Float32Array, w: number, h: number): PreparedMap {
  const w1 = w + 1;
  const sum = new Float64Array(w1 * (h + 1));
  const sq = new Float64Array(w1 * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x];
      rs += v;
      rq += v * v;
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1] + rs;
      sq[(y + 1) * w1 + x + 1] = sq[y * w1 + x + 1] + rq;
    }
  }
  return { map: Float64Array.from(map), w, h, sum, sq };
}

/** Sum over columns x0…x1 − 1 and rows y0…y1 − 1 from a summed-area table of width w + 1. */
function rect(t: Float64Array, w1: number, x0: number, y0: number, x1: number, y1: number): number {
  return t[y1 * w1 + x1] - t[y0 * w1 + x1] - t[y1 * w1 + x0] + t[y0 * w1 + x0];
}

/** ZNCC of cur(x, y) against ref(x + dx, y + dy) over their overlap; −1 when it is under minOverlap of the frame. */
export function zncc(cur: PreparedMap, ref: PreparedMap, dx: number, dy: number, minOverlap = 0.5): number {
  const { w, h } = cur;
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(w, w - dx);
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(h, h - dy);
  const n = (x1 - x0) * (y1 - y0);
  if (x1 <= x0 || y1 <= y0 || n < minOverlap * w * h) return -1;
  const a = cur.map;
  const b = ref.map;
  // One index walks cur's overlap, ref's pixel is a fixed offset away (about a third
  // faster than indexing both from the row starts).
  const offset = dy * w + dx;
  let sab = 0;
  for (let y = y0; y < y1; y++) {
    const end = y * w + x1;
    for (let i = y * w + x0; i < end; i++) sab += a[i] * b[i + offset];
  }
  const w1 = w + 1;
  const sa = rect(cur.sum, w1, x0, y0, x1, y1);
  const saa = rect(cur.sq, w1, x0, y0, x1, y1);
  const sb = rect(ref.sum, w1, x0 + dx, y0 + dy, x1 + dx, y1 + dy);
  const sbb = rect(ref.sq, w1, x0 + dx, y0 + dy, x1 + dx, y1 + dy);
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  // A featureless map correlates with nothing.
  if (va <= 1e-9 || vb <= 1e-9) return 0;
  return (sab - (sa * sb) / n) / Math.sqrt(va * vb);
}

/** Halves a map in both directions (2 × 2 means). */
export function halve(m: Float32Array, w: number, h: number): { map: Float32Array; w: number; h: number } {
  const hw = Math.floor(w / 2);
  const hh = Math.floor(h / 2);
  const out = new Float32Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < hw; x++) {
      const i = 2 * y * w + 2 * x;
      out[y * hw + x] = (m[i] + m[i + 1] + m[i + w] + m[i + w + 1]) / 4;
    }
  }
  return { map: out, w: hw, h: hh };
}

/**
 * Best shift within ±maxDx, ±maxDy cells: searched on the half-size maps, then refined
 * ±2 cells around it at full size (about 250 + 25 correlations instead of thousands).
 */
export function estimateShift(cur: Float32Array, ref: Float32Array, w: number, h: number, maxDx: number, maxDy: number): ShiftMatch {
  const cf = prepareMap(cur, w, h);
  const rf = prepareMap(ref, w, h);
  const atZero = zncc(cf, rf, 0, 0);
  const c = halve(cur, w, h);
  const r = halve(ref, w, h);
  const ch = prepareMap(c.map, c.w, c.h);
  const rh = prepareMap(r.map, r.w, r.h);
  let best = -2;
  let bx = 0;
  let by = 0;
  const mx = Math.ceil(maxDx / 2);
  const my = Math.ceil(maxDy / 2);
  for (let dy = -my; dy <= my; dy++) {
    for (let dx = -mx; dx <= mx; dx++) {
      const v = zncc(ch, rh, dx, dy);
      if (v > best) {
        best = v;
        bx = dx;
        by = dy;
      }
    }
  }
  let fb = atZero;
  let fx = 0;
  let fy = 0;
  for (let dy = 2 * by - 2; dy <= 2 * by + 2; dy++) {
    for (let dx = 2 * bx - 2; dx <= 2 * bx + 2; dx++) {
      if (Math.abs(dx) > maxDx || Math.abs(dy) > maxDy) continue;
      const v = zncc(cf, rf, dx, dy);
      if (v > fb) {
        fb = v;
        fx = dx;
        fy = dy;
      }
    }
  }
  return { atZero, best: fb, dx: fx, dy: fy };
}
