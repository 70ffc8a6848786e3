import { FieldOfView, seesPoint } from './field-of-view';
import { destinationPoint, LonLat } from './geo.math';
import { coveredIntervals, coveredLength, CoverageCamera, gaps, mergeIntervals, RouteCoverageIndex } from './coverage.intervals';
import { RouteChainage } from './route-chainage';
import { mulberry32 as prng } from './prng';

function randomRoute(rnd: () => number): LonLat[] {
  let p = { lat: 10.4 + rnd() * 0.5, lon: 105.8 + rnd() * 0.8 };
  let bearing = rnd() * 360;
  const out: LonLat[] = [[p.lon, p.lat]];
  const n = 3 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    p = destinationPoint(p.lat, p.lon, bearing, 200 + rnd() * 1300);
    out.push([p.lon, p.lat]);
    bearing += (rnd() - 0.5) * 150;
  }
  return out;
}

function randomCameras(rnd: () => number, route: RouteChainage, n: number): FieldOfView[] {
  const fovs = [360, 270, 200, 181, 180, 179, 120, 90, 60, 30, 8];
  const out: FieldOfView[] = [];
  for (let k = 0; k < n; k++) {
    const rangeM = 20 + rnd() * 280;
    // some sit exactly on the road or on a vertex, so segments run through the apex
    const onVertex = rnd() < 0.1;
    const s = onVertex ? route.cumulative[Math.floor(rnd() * route.cumulative.length)] : rnd() * route.length;
    const foot = route.pointAt(s);
    const offset = rnd() < 0.15 ? 0 : rnd() * rangeM * 1.2;
    const p = destinationPoint(foot.lat, foot.lon, rnd() * 360, offset);
    const fovDeg = rnd() < 0.5 ? fovs[Math.floor(rnd() * fovs.length)] : 5 + rnd() * 355;
    out.push({ lat: p.lat, lon: p.lon, headingDeg: rnd() * 360, fovDeg, rangeM });
  }
  return out;
}

const inside = (intervals: [number, number][], s: number) => intervals.some(([a, b]) => s >= a && s <= b);
const nearEdge = (intervals: [number, number][], s: number, eps: number) => intervals.some(([a, b]) => Math.abs(s - a) < eps || Math.abs(s - b) < eps);

describe('coveredIntervals', () => {
  it('matches brute-force sampling every metre with seesPoint on random routes and cameras', () => {
    const rnd = prng(20250701);
    let checkedSamples = 0;
    for (let c = 0; c < 30; c++) {
      const coords = randomRoute(rnd);
      const route = new RouteChainage(coords);
      const cameras = randomCameras(rnd, route, 14);
      const exact = coveredIntervals(coords, cameras);
      // sorted, disjoint, inside the route
      for (let k = 0; k < exact.length; k++) {
        expect(exact[k][0]).toBeGreaterThanOrEqual(0);
        expect(exact[k][1]).toBeLessThanOrEqual(route.length + 1e-9);
        expect(exact[k][1]).toBeGreaterThan(exact[k][0]);
        if (k > 0) expect(exact[k][0]).toBeGreaterThan(exact[k - 1][1]);
      }
      let sampled = 0;
      for (let s = 0.5; s < route.length; s += 1) {
        const p = route.pointAt(s);
        const seen = cameras.some((cam) => seesPoint(cam, p));
        if (seen) sampled += 1;
        if (!nearEdge(exact, s, 0.05)) {
          if (inside(exact, s) !== seen) throw new Error(`case ${c}: chainage ${s} exact=${!seen} sampled=${seen}`);
          checkedSamples++;
        }
      }
      const exactLength = coveredLength(exact);
      expect(exactLength).toBeGreaterThan(200);
      expect(Math.abs(exactLength - sampled)).toBeLessThanOrEqual(0.005 * exactLength);
    }
    expect(checkedSamples).toBeGreaterThan(50000);
  });

  it('covers the stretch ahead of a camera on the road looking along it', () => {
    const coords: LonLat[] = [
      [106.4, 10.6],
      [106.42, 10.6],
    ];
    const route = new RouteChainage(coords);
    const p = route.pointAt(1000);
    const cam = { lat: p.lat, lon: p.lon, headingDeg: 90, fovDeg: 60, rangeM: 150 };
    const [iv] = coveredIntervals(coords, [cam]);
    expect(iv[0]).toBeCloseTo(1000, 3);
    expect(iv[1]).toBeCloseTo(1150, 1);
    // looking across the road from 100 m north with fov 90, range 150: half-width √(150²−100²)=111.8 m, clipped by the wedge to ±100
    const north = destinationPoint(p.lat, p.lon, 0, 100);
    const across = coveredIntervals(coords, [{ lat: north.lat, lon: north.lon, headingDeg: 180, fovDeg: 90, rangeM: 150 }]);
    expect(across).toHaveLength(1);
    expect(across[0][0]).toBeCloseTo(900, 0);
    expect(across[0][1]).toBeCloseTo(1100, 0);
    // fov 300 looking north from there: everything in the disc except the 60° wedge facing the road
    const back = coveredIntervals(coords, [{ lat: north.lat, lon: north.lon, headingDeg: 0, fovDeg: 300, rangeM: 150 }]);
    expect(back).toHaveLength(2);
    expect(back[0][0]).toBeCloseTo(1000 - 111.8, 0);
    expect(back[0][1]).toBeCloseTo(1000 - 57.7, 0);
    expect(back[1][0]).toBeCloseTo(1000 + 57.7, 0);
    expect(back[1][1]).toBeCloseTo(1000 + 111.8, 0);
  });

  it('sees both ways along the road from a camera on it with fov 180 facing across (both edges on the road)', () => {
    const coords: LonLat[] = [
      [106.4, 10.6],
      [106.42, 10.6],
    ];
    const route = new RouteChainage(coords);
    const p = route.pointAt(1000);
    const iv = coveredIntervals(coords, [{ lat: p.lat, lon: p.lon, headingDeg: 0, fovDeg: 180, rangeM: 120 }]);
    expect(iv).toHaveLength(1);
    expect(iv[0][0]).toBeCloseTo(880, 1);
    expect(iv[0][1]).toBeCloseTo(1120, 1);
  });

  it('joins one camera’s pieces across a vertex', () => {
    const coords: LonLat[] = [
      [106.4, 10.6],
      [106.41, 10.6],
      [106.41, 10.61],
    ];
    const route = new RouteChainage(coords);
    const v = route.pointAt(route.cumulative[1]);
    const iv = coveredIntervals(coords, [{ lat: v.lat, lon: v.lon, headingDeg: 0, fovDeg: 360, rangeM: 80 }]);
    expect(iv).toHaveLength(1);
    expect(iv[0][0]).toBeCloseTo(route.cumulative[1] - 80, 3);
    expect(iv[0][1]).toBeCloseTo(route.cumulative[1] + 80, 3);
  });
});

describe('gaps', () => {
  it('returns the maximal uncovered stretches of at least the minimum', () => {
    const iv = mergeIntervals([
      [100, 200],
      [150, 300],
      [900, 950],
      [300, 320],
    ]);
    expect(iv).toEqual([
      [100, 320],
      [900, 950],
    ]);
    expect(gaps(1000, iv, 0)).toEqual([
      { from_m: 0, to_m: 100, length_m: 100 },
      { from_m: 320, to_m: 900, length_m: 580 },
      { from_m: 950, to_m: 1000, length_m: 50 },
    ]);
    expect(gaps(1000, iv, 100)).toEqual([
      { from_m: 0, to_m: 100, length_m: 100 },
      { from_m: 320, to_m: 900, length_m: 580 },
    ]);
    expect(gaps(1000, [], 500)).toEqual([{ from_m: 0, to_m: 1000, length_m: 1000 }]);
    expect(gaps(1000, [[0, 1000]], 0)).toEqual([]);
    expect(
      gaps(
        1000,
        [
          [0, 400],
          [600, 1000],
        ],
        0,
      ),
    ).toEqual([{ from_m: 400, to_m: 600, length_m: 200 }]);
  });

  it('together with the covered intervals tiles the route', () => {
    const rnd = prng(7);
    for (let c = 0; c < 50; c++) {
      const raw: [number, number][] = [];
      for (let k = 0; k < 10; k++) {
        const a = rnd() * 5000;
        raw.push([a, a + rnd() * 400]);
      }
      const iv = mergeIntervals(raw).map(([a, b]) => [a, Math.min(b, 5000)] as [number, number]);
      const g = gaps(5000, iv, 0);
      expect(coveredLength(iv) + g.reduce((s, x) => s + x.length_m, 0)).toBeCloseTo(5000, 6);
      for (const x of g) {
        expect(inside(iv, (x.from_m + x.to_m) / 2)).toBe(false);
      }
    }
  });
});

describe('RouteCoverageIndex', () => {
  const rnd = prng(99);
  const routes = [0, 1, 2].map((k) => ({ ref: `R${k}`, coordinates: randomRoute(rnd) }));
  const cameras: CoverageCamera<number>[] = [];
  routes.forEach((r) => {
    const ch = new RouteChainage(r.coordinates);
    for (const cam of randomCameras(rnd, ch, 20)) cameras.push({ ...cam, id: cameras.length + 1 });
  });

  it('gives per route the same union as coveredIntervals', () => {
    const index = new RouteCoverageIndex<number>(routes);
    index.setCameras(cameras);
    expect(index.cameraCount).toBe(cameras.length);
    const all = index.union();
    routes.forEach((r, i) => {
      const direct = coveredIntervals(r.coordinates, cameras);
      expect(all[i].ref).toBe(r.ref);
      expect(all[i].intervals).toHaveLength(direct.length);
      all[i].intervals.forEach((iv, k) => {
        expect(iv[0]).toBeCloseTo(direct[k][0], 6);
        expect(iv[1]).toBeCloseTo(direct[k][1], 6);
      });
      expect(all[i].covered_m).toBeCloseTo(coveredLength(direct), 6);
      expect(all[i].pct).toBeCloseTo((coveredLength(direct) / all[i].length_m) * 100, 6);
    });
  });

  it('takes a subset by predicate or by ids, and follows a turned camera', () => {
    const index = new RouteCoverageIndex<number>(routes);
    index.setCameras(cameras);
    const even = (id: number) => id % 2 === 0;
    const byPredicate = index.union(even);
    const byIds = index.union(cameras.filter((c) => even(c.id)).map((c) => c.id));
    expect(byIds).toEqual(byPredicate);
    routes.forEach((r, i) => {
      const direct = coveredIntervals(
        r.coordinates,
        cameras.filter((c) => even(c.id)),
      );
      expect(byPredicate[i].covered_m).toBeCloseTo(coveredLength(direct), 6);
    });

    const seeing = cameras.find((c) => index.intervalsForCamera(c.id).length > 0)!;
    expect(seeing).toBeDefined();
    const only = index.union([seeing.id]);
    const share = index.intervalsForCamera(seeing.id);
    expect(only.reduce((s, r) => s + r.covered_m, 0)).toBeCloseTo(
      share.reduce((s, x) => s + x.to_m - x.from_m, 0),
      6,
    );
    // turned to face away from every route (range 0 is the degenerate "sees nothing")
    index.upsertCamera({ ...seeing, rangeM: 0 });
    expect(index.intervalsForCamera(seeing.id)).toEqual([]);
    expect(index.removeCamera(seeing.id)).toBe(true);
    expect(index.has(seeing.id)).toBe(false);
    expect(index.union([seeing.id]).every((r) => r.covered_m === 0)).toBe(true);
  });
});
