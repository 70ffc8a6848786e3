import { destinationPoint } from '../geo';
import { CoverageState, overlapLength } from './coverage.state';
import type { CoverageCameraRow } from './coverage.repository';

const S = { lat: 10.5, lon: 106.4 };
const at = (m: number) => destinationPoint(S.lat, S.lon, 0, m);
const E = at(1000);
const cam = (id: number, m: number, headingDeg: number, rangeM: number, ownership: CoverageCameraRow['ownership'] = 'station'): CoverageCameraRow => ({
  id, ownership, stationId: null, communeCode: '00001', communeCode2025: null, ...at(m), headingDeg, fovDeg: 90, rangeM,
});

describe('overlapLength', () => {
  it('measures the common length of two merged interval lists', () => {
    expect(overlapLength([[0, 10], [20, 30]], [[5, 25]])).toBe(10);
    expect(overlapLength([[0, 10]], [[10, 20]])).toBe(0);
    expect(overlapLength([], [[0, 5]])).toBe(0);
  });
});

describe('CoverageState', () => {
  const route = { ref: 'R', name: 'R', kind: 'x', coordinates: [[S.lon, S.lat], [E.lon, E.lat]] as [number, number][] };

  it('recomputes only new or changed cameras, and drops removed ones', () => {
    const state = new CoverageState([route]);
    expect(state.syncCameras([cam(1, 100, 0, 100), cam(2, 500, 0, 100)])).toBe(2);
    expect(state.syncCameras([cam(1, 100, 0, 100), cam(2, 500, 0, 50)])).toBe(1);
    expect(state.union(null)[0].installed).toHaveLength(2);
    state.syncCameras([cam(1, 100, 0, 100)]);
    const [u] = state.union(null);
    expect(u.installed).toHaveLength(1);
    expect(u.installed[0][1] - u.installed[0][0]).toBeCloseTo(100, 3);
  });

  it('counts online and degraded cameras, with their last known heading, as effective', () => {
    const state = new CoverageState([route]);
    state.syncCameras([cam(1, 100, 0, 100), cam(2, 500, 0, 100, 'citizen')]);
    expect(state.union(null)[0].effective).toEqual([]);
    state.setStatus(1, 'online');
    state.setStatus(2, 'degraded');
    expect(state.union(null)[0].effective).toHaveLength(2);
    expect(state.union(new Set(['citizen']))[0].effective).toHaveLength(1);
    state.setHeading(1, 180);
    const [turned] = state.union(null)[0].effective;
    expect(turned[0]).toBeCloseTo(0, 3);
    expect(turned[1]).toBeCloseTo(100, 3);
    // Installed keeps the registered heading.
    expect(state.union(null)[0].installed[0][0]).toBeCloseTo(100, 3);
    state.setStatus(1, 'offline');
    expect(state.union(null)[0].effective).toHaveLength(1);
    expect(state.setStatus(99, 'online')).toBe(false);
  });
});
