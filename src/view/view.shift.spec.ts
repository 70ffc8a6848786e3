import { mulberry32 } from '../geo/prng';
import { estimateShift, prepareMap, zncc } from './view.shift';

/** ZNCC straight from its definition: means first, then the centred products over the overlap. */
function plainZncc(cur: Float32Array, ref: Float32Array, w: number, h: number, dx: number, dy: number): number {
  const pairs: Array<[number, number]> = [];
  for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
    for (let x = Math.max(0, -dx); x < Math.min(w, w - dx); x++) pairs.push([cur[y * w + x], ref[(y + dy) * w + x + dx]]);
  }
  if (pairs.length < 0.5 * w * h) return -1;
  const ma = pairs.reduce((s, p) => s + p[0], 0) / pairs.length;
  const mb = pairs.reduce((s, p) => s + p[1], 0) / pairs.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (const [a, b] of pairs) {
    ab += (a - ma) * (b - mb);
    aa += (a - ma) ** 2;
    bb += (b - mb) ** 2;
  }
  if (aa <= 1e-9 || bb <= 1e-9) return 0;
  return ab / Math.sqrt(aa * bb);
}

/** A textured map, and the same scene slid by (sx, sy) cells with noise of its own. */
function maps(w: number, h: number, sx: number, sy: number, seed: number): { ref: Float32Array; cur: Float32Array } {
  const rnd = mulberry32(seed);
  const bigW = w + 40;
  const bigH = h + 20;
  const world = Float32Array.from({ length: bigW * bigH }, () => rnd() * rnd() * 4);
  const ref = new Float32Array(w * h);
  const cur = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      ref[y * w + x] = world[(y + 10) * bigW + x + 20];
      cur[y * w + x] = world[(y + 10 + sy) * bigW + x + 20 + sx] + (rnd() - 0.5) * 0.2;
    }
  }
  return { ref, cur };
}

describe('zncc', () => {
  test('matches the definition at every shift of the search window', () => {
    const w = 40;
    const h = 22;
    const { ref, cur } = maps(w, h, 3, -2, 7);
    const c = prepareMap(cur, w, h);
    const r = prepareMap(ref, w, h);
    for (let dy = -6; dy <= 6; dy++) {
      for (let dx = -14; dx <= 14; dx++) expect(zncc(c, r, dx, dy)).toBeCloseTo(plainZncc(cur, ref, w, h, dx, dy), 10);
    }
  });

  test('a featureless map correlates with nothing, an overlap under half the frame is −1', () => {
    const flat = prepareMap(new Float32Array(80 * 45).fill(2), 80, 45);
    const { ref } = maps(80, 45, 0, 0, 3);
    expect(zncc(flat, prepareMap(ref, 80, 45), 0, 0)).toBe(0);
    expect(zncc(prepareMap(ref, 80, 45), prepareMap(ref, 80, 45), 50, 0)).toBe(-1);
  });
});

describe('estimateShift', () => {
  test.each([
    [0, 0],
    [7, 0],
    [-12, 3],
    [20, -6],
  ])('finds a slide of (%i, %i) cells', (sx, sy) => {
    const { ref, cur } = maps(80, 45, sx, sy, 11);
    const m = estimateShift(cur, ref, 80, 45, 24, 9);
    expect({ dx: m.dx, dy: m.dy }).toEqual({ dx: sx, dy: sy });
    expect(m.best).toBeGreaterThan(0.9);
    expect(m.atZero).toBeCloseTo(plainZncc(cur, ref, 80, 45, 0, 0), 10);
  });
});
