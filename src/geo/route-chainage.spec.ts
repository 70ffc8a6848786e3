import { destinationPoint, haversineM, initialBearingDeg, LonLat } from './geo.math';
import { RouteChainage } from './route-chainage';

const coords: LonLat[] = [
  [106.4, 10.6],
  [106.41, 10.6],
  [106.41, 10.61],
  [106.425, 10.615],
];

describe('RouteChainage', () => {
  const route = new RouteChainage(coords);

  it('measures length as the sum of great-circle segment lengths', () => {
    let sum = 0;
    for (let i = 1; i < coords.length; i++) sum += haversineM(coords[i - 1][1], coords[i - 1][0], coords[i][1], coords[i][0]);
    expect(route.length).toBeCloseTo(sum, 9);
    expect(route.cumulative[0]).toBe(0);
    expect(route.segmentCount).toBe(3);
  });

  it('finds points at chainage, clamped to the ends', () => {
    expect(route.positionAt(0)).toEqual(coords[0]);
    expect(route.positionAt(-5)).toEqual(coords[0]);
    expect(route.positionAt(route.length + 5)).toEqual(coords[3]);
    const v1 = route.pointAt(route.cumulative[1]);
    expect(v1.lon).toBeCloseTo(106.41, 12);
    expect(v1.lat).toBeCloseTo(10.6, 12);
    const half = route.pointAt(route.cumulative[1] / 2);
    expect(half.lon).toBeCloseTo(106.405, 12);
    expect(haversineM(10.6, 106.4, half.lat, half.lon)).toBeCloseTo(route.cumulative[1] / 2, 3);
  });

  it('slices between chainages with the interior vertices', () => {
    const a = route.cumulative[1] - 100;
    const b = route.cumulative[2] + 50;
    const s = route.slice(a, b);
    expect(s).toHaveLength(4);
    expect(s[1]).toEqual(coords[1]);
    expect(s[2]).toEqual(coords[2]);
    expect(s[0]).toEqual(route.positionAt(a));
    expect(s[3]).toEqual(route.positionAt(b));
    expect(route.slice(b, a)).toEqual(s);
    const inner = route.sliceGeometry(10, 20);
    expect(inner.type).toBe('LineString');
    expect(inner.coordinates).toHaveLength(2);
    // a slice ending exactly on a vertex does not repeat it
    expect(route.slice(0, route.cumulative[1])).toEqual([coords[0], coords[1]]);
  });

  it('projects a point to its nearest chainage', () => {
    for (const s of [0, 37, 1093.5, route.cumulative[2] + 200, route.length]) {
      const p = route.pointAt(s);
      const r = route.project(p.lat, p.lon);
      expect(r.chainageM).toBeCloseTo(s, 3);
      expect(r.distanceM).toBeLessThan(1e-3);
    }
    // 40 m north of the middle of the first (east-running) segment
    const mid = route.pointAt(500);
    const off = destinationPoint(mid.lat, mid.lon, 0, 40);
    const r = route.project(off.lat, off.lon);
    expect(r.chainageM).toBeCloseTo(500, 1);
    expect(r.distanceM).toBeCloseTo(40, 1);
    expect(initialBearingDeg(r.lat, r.lon, off.lat, off.lon)).toBeCloseTo(0, 1);
  });

  it('rejects a route of one vertex', () => {
    expect(() => new RouteChainage([[106, 10]])).toThrow(/at least 2 vertices/);
  });
});
