import { mulberry32 } from '../geo/prng';
import { DARK_PIXEL, EDGE_H, EDGE_W, extractFeatures, FRAME_H, FRAME_W, GRID_COLS, GRID_ROWS, type ViewFeatures } from './view.features';

/**
 * The features as their definitions read, one pixel at a time in row-major order (the
 * sums of each cell and block in the same order as extractFeatures adds them, the cell
 * edge sums held in a Float32Array): the fast pass must give these values bit for bit.
 */
function plainFeatures(grey: Uint8Array, chroma: number): ViewFeatures {
  const w = FRAME_W;
  const h = FRAME_H;
  const cells = GRID_COLS * GRID_ROWS;
  const cellW = w / GRID_COLS;
  const cellH = h / GRID_ROWS;
  const cellEdge = new Float32Array(cells);
  const cellSum = new Float64Array(cells);
  const cellSq = new Float64Array(cells);
  const cellN = new Float64Array(cells);
  const cellEdgeN = new Float64Array(cells);
  const blockEdge = new Float64Array(EDGE_W * EDGE_H);
  const blockLum = new Float64Array(EDGE_W * EDGE_H);
  let sum = 0;
  let sq = 0;
  let dark = 0;
  let grad2 = 0;
  let nGrad = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = grey[y * w + x];
      const c = Math.floor(y / cellH) * GRID_COLS + Math.floor(x / cellW);
      const b = Math.floor(y / 4) * EDGE_W + Math.floor(x / 4);
      sum += v;
      sq += v * v;
      if (v < DARK_PIXEL) dark++;
      cellSum[c] += v;
      cellSq[c] += v * v;
      cellN[c]++;
      blockLum[b] += v;
      if (x + 1 < w && y + 1 < h) {
        const gx = grey[y * w + x + 1] - v;
        const gy = grey[(y + 1) * w + x] - v;
        const g = Math.sqrt(gx * gx + gy * gy);
        grad2 += gx * gx + gy * gy;
        nGrad++;
        cellEdge[c] += g;
        cellEdgeN[c]++;
        blockEdge[b] += g;
      }
    }
  }
  const n = w * h;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sq / n - mean * mean));
  const cellStd = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const m = cellSum[c] / cellN[c];
    cellStd[c] = Math.sqrt(Math.max(0, cellSq[c] / cellN[c] - m * m));
    cellEdge[c] = cellEdge[c] / cellEdgeN[c];
  }
  const edges = new Float32Array(EDGE_W * EDGE_H);
  for (let b = 0; b < edges.length; b++) edges[b] = blockEdge[b] / 16 / (blockLum[b] / 16 + 16);
  return { mean, std, darkShare: dark / n, chroma, sharpness: grad2 / nGrad / (std * std + 1), cellEdge, cellStd, edges };
}

/** Smooth shapes, hard edges, noise and dark patches: every branch of the pass is taken. */
function testFrame(seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const g = new Uint8Array(FRAME_W * FRAME_H);
  const fx = 0.02 + rnd() * 0.1;
  const fy = 0.02 + rnd() * 0.1;
  for (let y = 0; y < FRAME_H; y++) {
    for (let x = 0; x < FRAME_W; x++) {
      const wave = 100 + 80 * Math.sin(x * fx) * Math.cos(y * fy);
      const edge = (x + 2 * y) % 97 < 30 ? 40 : 0;
      const dark = x < 60 && y > 120 ? -120 : 0;
      g[y * FRAME_W + x] = Math.max(0, Math.min(255, Math.round(wave + edge + dark + (rnd() - 0.5) * 12)));
    }
  }
  return g;
}

describe('extractFeatures', () => {
  test.each([1, 2, 3, 4])('gives the per-pixel definitions bit for bit (frame %i)', (seed) => {
    const grey = testFrame(seed);
    expect(extractFeatures(grey, 12.5)).toEqual(plainFeatures(grey, 12.5));
  });

  test('a flat black frame: all dark, no edges, sharpness 0', () => {
    const f = extractFeatures(new Uint8Array(FRAME_W * FRAME_H), 0);
    expect(f).toEqual(plainFeatures(new Uint8Array(FRAME_W * FRAME_H), 0));
    expect(f.darkShare).toBe(1);
    expect(f.sharpness).toBe(0);
  });
});
