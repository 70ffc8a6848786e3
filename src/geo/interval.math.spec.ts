import { mulberry32 as prng } from './prng';
import { addInterval, coveredLength, intersectIntervals, Interval, mergeIntervals, uncoveredLengthWithin } from './interval.math';

/** Integer-metre intervals so a cell-by-cell count is exact. */
function randomIntervals(rnd: () => number, n: number): Interval[] {
  return Array.from({ length: n }, () => {
    const a = Math.floor(rnd() * 900);
    return [a, a + Math.floor(rnd() * 80)] as Interval;
  });
}

const cells = (iv: Interval[]) => {
  const s = new Set<number>();
  for (const [a, b] of iv) for (let x = a; x < b; x++) s.add(x);
  return s;
};

describe('interval arithmetic', () => {
  const rnd = prng(3);

  it('merges into a sorted disjoint union of the same cells', () => {
    for (let c = 0; c < 200; c++) {
      const raw = randomIntervals(rnd, 12);
      const merged = mergeIntervals(raw);
      for (let k = 1; k < merged.length; k++) expect(merged[k][0]).toBeGreaterThan(merged[k - 1][1]);
      expect(coveredLength(merged)).toBe(cells(raw).size);
    }
  });

  it('adds one interval exactly as a full re-merge would', () => {
    for (let c = 0; c < 300; c++) {
      const covered = mergeIntervals(randomIntervals(rnd, 10));
      const [add] = randomIntervals(rnd, 1);
      expect(addInterval(covered, add)).toEqual(mergeIntervals([...covered, add]));
    }
    expect(addInterval([[0, 10]], [10, 20])).toEqual([[0, 20]]);
    expect(addInterval([[30, 40]], [20, 30])).toEqual([[20, 40]]);
  });

  it('measures the uncovered length inside a window', () => {
    for (let c = 0; c < 300; c++) {
      const covered = mergeIntervals(randomIntervals(rnd, 10));
      const [w] = randomIntervals(rnd, 1);
      const have = cells(covered);
      let free = 0;
      for (let x = w[0]; x < w[1]; x++) if (!have.has(x)) free++;
      expect(uncoveredLengthWithin(covered, w[0], w[1])).toBeCloseTo(free, 9);
    }
  });
});

describe('intersectIntervals', () => {
  it('keeps only what both sets cover', () => {
    expect(
      intersectIntervals(
        [
          [0, 10],
          [20, 30],
        ],
        [[5, 25]],
      ),
    ).toEqual([
      [5, 10],
      [20, 25],
    ]);
    expect(intersectIntervals([[0, 10]], [[10, 20]])).toEqual([]);
    expect(intersectIntervals([], [[0, 1]])).toEqual([]);
  });
});
