import loadHighs from 'highs';
import { solveExactCoverage } from './planning.exact';

describe('solveExactCoverage', () => {
  it('finds the pair a greedy pick misses, net of what is already covered', async () => {
    const highs = await loadHighs();
    // Greedy takes the widest site (200 m) and then adds 50 m; the two narrower ones cover 280 m.
    const shares = [[{ routeIndex: 0, from_m: 50, to_m: 250 }], [{ routeIndex: 0, from_m: 0, to_m: 140 }], [{ routeIndex: 0, from_m: 160, to_m: 300 }]];
    const best = solveExactCoverage(highs, shares, [[]], 2);
    expect(best.status).toBe('Optimal');
    expect(best.sites.sort()).toEqual([1, 2]);
    expect(best.coveredM).toBeCloseTo(280, 6);
    // With 0-100 already covered, site 1 adds only 40 m: sites 0 and 2 together add 100-300.
    const net = solveExactCoverage(highs, shares, [[[0, 100]]], 2);
    expect(net.coveredM).toBeCloseTo(200, 6);
    expect(solveExactCoverage(highs, shares, [[]], 0).sites).toEqual([]);
  });
});
