/**
 * What the picture-health detectors measure on one snapshot, computed from the small
 * greyscale analysis frame (FRAME_W × FRAME_H, see view.frame.ts). Pure: no sharp, no
 * Nest, no database; the analyser (view.analyser.ts) compares these with the reference's.
 */

/** The analysis frame: every snapshot is brought to this size, whatever its resolution. */
export const FRAME_W = 320;
export const FRAME_H = 180;
/** The blocked detector's grid: 8 × 6 cells of 40 × 30 pixels. */
export const GRID_COLS = 8;
export const GRID_ROWS = 6;
const CELL_W = FRAME_W / GRID_COLS;
const CELL_H = FRAME_H / GRID_ROWS;
/** The edge map compared for `moved`: one value per 4 × 4 block of the frame. */
export const EDGE_W = FRAME_W / 4;
export const EDGE_H = Math.floor(FRAME_H / 4);
/** An edge block's side in frame pixels; a grid cell is a whole number of blocks wide. */
const BLOCK = FRAME_W / EDGE_W;
/** A pixel darker than this counts towards darkShare. */
export const DARK_PIXEL = 40;

export interface ViewFeatures {
  /** Mean luminance, 0–255. */
  mean: number;
  /** Standard deviation of luminance. */
  std: number;
  /** Share of pixels darker than DARK_PIXEL. */
  darkShare: number;
  /** Mean colour saturation (0–255); near 0 when the camera is in monochrome (IR) mode. */
  chroma: number;
  /**
   * Gradient energy over the luminance variance: how much of the picture's contrast sits
   * in fine detail. The light's gain and haze (a blend towards grey) scale both alike, so
   * it holds through the day; defocus and smear take the gradients down, not the variance.
   * (Tried first: Laplacian over gradient energy; sensor noise kept it up under blur.)
   */
  sharpness: number;
  /** Mean gradient magnitude per grid cell (row-major, GRID_COLS × GRID_ROWS). */
  cellEdge: Float32Array;
  /** Luminance standard deviation per grid cell. */
  cellStd: Float32Array;
  /**
   * Edge density per 4 × 4 block divided by the block's brightness (+16): a gradient of
   * the picture's log-like luminance, so that a darker or brighter light leaves it
   * nearly unchanged while a turned camera moves it.
   */
  edges: Float32Array;
}

/**
 * Measures a FRAME_W × FRAME_H greyscale frame; `chroma` comes from the colour decode.
 *
 * One pass over the pixels, walked cell by cell and block by block along each row so the
 * sums sit in local variables and reach the arrays once per run of pixels (this pass is
 * most of the JavaScript time of an analysis). Every sum is added in the same order as
 * a plain pixel-by-pixel walk would (a cell's or block's pixels row by row, the cell edge
 * sums rounded to float32 after each addition as their Float32Array holds them), so the
 * features are bit for bit those of the straightforward loop.
 */
export function extractFeatures(grey: Uint8Array, chroma: number): ViewFeatures {
  if (grey.length !== FRAME_W * FRAME_H) {
    throw new Error(`analysis frame must be ${FRAME_W}×${FRAME_H} grey pixels (${FRAME_W * FRAME_H} bytes), got ${grey.length}`);
  }
  const w = FRAME_W;
  const h = FRAME_H;
  const cells = GRID_COLS * GRID_ROWS;
  const cellEdge = new Float32Array(cells);
  const cellSum = new Float64Array(cells);
  const cellSq = new Float64Array(cells);
  const cellEdgeN = new Float64Array(cells);
  const blockEdge = new Float64Array(EDGE_W * EDGE_H);
  const blockLum = new Float64Array(EDGE_W * EDGE_H);
  let sum = 0;
  let sq = 0;
  let dark = 0;
  let grad2 = 0;
  for (let y = 0; y < h; y++) {
    const cy = Math.floor(y / CELL_H) * GRID_COLS;
    const by = Math.floor(y / BLOCK);
    const inBlocks = by < EDGE_H;
    const row = y * w;
    // The last row and column have no neighbour below or to the right: no gradient.
    const gradRow = y + 1 < h;
    for (let cx = 0; cx < GRID_COLS; cx++) {
      const c = cy + cx;
      let cs = 0;
      let cq = 0;
      let ce = cellEdge[c];
      let cn = 0;
      for (let x0 = cx * CELL_W; x0 < (cx + 1) * CELL_W; x0 += BLOCK) {
        let bl = 0;
        let be = inBlocks ? blockEdge[by * EDGE_W + x0 / BLOCK] : 0;
        for (let x = x0; x < x0 + BLOCK; x++) {
          const i = row + x;
          const v = grey[i];
          bl += v;
          cq += v * v;
          if (v < DARK_PIXEL) dark++;
          if (gradRow && x + 1 < w) {
            const gx = grey[i + 1] - v;
            const gy = grey[i + w] - v;
            const g2 = gx * gx + gy * gy;
            const g = Math.sqrt(g2);
            grad2 += g2;
            ce = Math.fround(ce + g);
            cn++;
            be += g;
          }
        }
        cs += bl;
        if (inBlocks) {
          const b = by * EDGE_W + x0 / BLOCK;
          blockLum[b] += bl;
          blockEdge[b] = be;
        }
      }
      cellSum[c] += cs;
      cellSq[c] += cq;
      cellEdge[c] = ce;
      cellEdgeN[c] += cn;
      sum += cs;
      sq += cq;
    }
  }
  const n = w * h;
  const nGrad = (w - 1) * (h - 1);
  const cellN = CELL_W * CELL_H;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sq / n - mean * mean));
  const cellStd = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const m = cellSum[c] / cellN;
    cellStd[c] = Math.sqrt(Math.max(0, cellSq[c] / cellN - m * m));
    cellEdge[c] = cellEdgeN[c] > 0 ? cellEdge[c] / cellEdgeN[c] : 0;
  }
  const edges = new Float32Array(EDGE_W * EDGE_H);
  for (let b = 0; b < edges.length; b++) edges[b] = blockEdge[b] / 16 / (blockLum[b] / 16 + 16);
  const meanGrad2 = grad2 / Math.max(1, nGrad);
  return {
    mean,
    std,
    darkShare: dark / n,
    chroma,
    // +1: a flat frame gets a sharpness near 0 instead of a division by zero.
    sharpness: meanGrad2 / (std * std + 1),
    cellEdge,
    cellStd,
    edges,
  };
}

/** Mean absolute difference between two analysis frames, in grey levels. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** The features' vectors as one compact buffer (stored with a reference) and back. */
export function packFeatures(f: ViewFeatures): { scalars: Record<string, number>; vectors: Buffer } {
  const v = new Float32Array(f.cellEdge.length + f.cellStd.length + f.edges.length);
  v.set(f.cellEdge, 0);
  v.set(f.cellStd, f.cellEdge.length);
  v.set(f.edges, f.cellEdge.length + f.cellStd.length);
  return {
    scalars: { mean: f.mean, std: f.std, dark_share: f.darkShare, chroma: f.chroma, sharpness: f.sharpness },
    vectors: Buffer.from(v.buffer, v.byteOffset, v.byteLength),
  };
}

export function unpackFeatures(scalars: Record<string, number>, vectors: Buffer): ViewFeatures {
  const cells = GRID_COLS * GRID_ROWS;
  const expected = (2 * cells + EDGE_W * EDGE_H) * 4;
  if (vectors.length !== expected) throw new Error(`stored reference features hold ${vectors.length} bytes, expected ${expected}`);
  // Copy: a Buffer from the driver may not be 4-byte aligned for a Float32Array view.
  const v = new Float32Array(expected / 4);
  Buffer.from(v.buffer).set(vectors);
  return {
    mean: scalars.mean,
    std: scalars.std,
    darkShare: scalars.dark_share,
    chroma: scalars.chroma,
    sharpness: scalars.sharpness,
    cellEdge: v.slice(0, cells),
    cellStd: v.slice(cells, 2 * cells),
    edges: v.slice(2 * cells),
  };
}

/**
 * The half-size frame kept from one snapshot to the next for the frozen check
 * (160 × 90, 14.4 KB): 2 × 2 means, which halve the sensor noise but keep every change
 * a live camera shows between snapshots.
 */
export function frameSignature(grey: Uint8Array): Uint8Array {
  const w = FRAME_W / 2;
  const h = FRAME_H / 2;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 2 * y * FRAME_W + 2 * x;
      out[y * w + x] = (grey[i] + grey[i + 1] + grey[i + FRAME_W] + grey[i + FRAME_W + 1] + 2) >> 2;
    }
  }
  return out;
}
