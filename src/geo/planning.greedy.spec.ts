import { coveredIntervals, coveredLength, mergeIntervals } from './coverage.intervals';
import { absAngleDiffDeg, haversineM, LonLat } from './geo.math';
import { Interval } from './interval.math';
import { planStations, stationHeadings } from './planning.greedy';
import { RouteChainage } from './route-chainage';

const routes: { ref: string; coordinates: LonLat[] }[] = [
  {
    ref: 'A',
    coordinates: [
      [106.4, 10.6],
      [106.41, 10.6],
      [106.42, 10.605],
      [106.43, 10.605],
    ],
  },
  {
    ref: 'B',
    coordinates: [
      [106.41, 10.59],
      [106.41, 10.62],
    ],
  },
];

const base = {
  routes,
  costPerStationVnd: 150_000_000,
  camerasPerStation: 3,
  fovDeg: 90,
  rangeM: 150,
};

/** Coverage recomputed from scratch: existing intervals plus every proposed camera. */
function recomputedCovered(existing: Record<string, Interval[]>, result: ReturnType<typeof planStations>): number {
  let total = 0;
  for (const r of routes) {
    const cams = result.stations.flatMap((s) =>
      s.cameras.map((c) => ({ lat: s.lat, lon: s.lon, headingDeg: c.heading_deg, fovDeg: c.fov_deg, rangeM: c.range_m })),
    );
    total += coveredLength(mergeIntervals([...(existing[r.ref] ?? []), ...coveredIntervals(r.coordinates, cams)]));
  }
  return total;
}

describe('planStations', () => {
  const existing: Record<string, Interval[]> = { A: [[0, 800]], B: [[1000, 2000]] };

  it('never exceeds the budget, and its gains add up to the coverage increase', () => {
    for (const budget of [0, 149_999_999, 150_000_000, 1_000_000_000, 3_000_000_000]) {
      const result = planStations({ ...base, existing, budgetVnd: budget });
      expect(result.total_cost_vnd).toBeLessThanOrEqual(budget);
      expect(result.stations.length).toBeLessThanOrEqual(Math.floor(budget / base.costPerStationVnd));
      const gains = result.stations.reduce((s, x) => s + x.gain_m, 0);
      expect(gains).toBeCloseTo(result.covered_after_m - result.covered_before_m, 6);
      expect(result.covered_after_m).toBeCloseTo(recomputedCovered(existing, result), 3);
      expect(result.covered_before_m).toBeCloseTo(800 + 1000, 6);
      // greedy: each pick gains no more than the one before it
      for (let k = 1; k < result.stations.length; k++) {
        expect(result.stations[k].gain_m).toBeLessThanOrEqual(result.stations[k - 1].gain_m + 1e-9);
      }
    }
  });

  it('stops when nothing is left to cover', () => {
    const lengths = routes.map((r) => new RouteChainage(r.coordinates).length);
    const full = { A: [[0, lengths[0]]] as Interval[], B: [[0, lengths[1]]] as Interval[] };
    const none = planStations({ ...base, existing: full, budgetVnd: 10_000_000_000 });
    expect(none.stations).toEqual([]);
    expect(none.coverage_before_pct).toBeCloseTo(100, 9);

    const rich = planStations({ ...base, existing: {}, budgetVnd: 100_000_000_000 });
    expect(rich.stations.length).toBeLessThan(100);
    expect(rich.coverage_after_pct).toBeGreaterThan(99);
    expect(rich.stations.every((s) => s.gain_m > 0)).toBe(true);
  });

  it('proposes stations on the routes with cameras along and across the road', () => {
    const result = planStations({ ...base, existing, budgetVnd: 450_000_000 });
    expect(result.stations).toHaveLength(3);
    for (const s of result.stations) {
      const route = new RouteChainage(routes.find((r) => r.ref === s.route_ref)!.coordinates);
      const p = route.pointAt(s.chainage_m!);
      expect(p.lat).toBeCloseTo(s.lat, 12);
      expect(p.lon).toBeCloseTo(s.lon, 12);
      expect(s.chainage_m! % 100).toBeCloseTo(s.chainage_m === route.length ? route.length % 100 : 0, 6);
      expect(s.cameras).toHaveLength(3);
      expect(s.cost_vnd).toBe(150_000_000);
      expect(absAngleDiffDeg(s.cameras[0].heading_deg, s.cameras[1].heading_deg)).toBeCloseTo(180, 9);
      expect(absAngleDiffDeg(s.cameras[0].heading_deg, s.cameras[2].heading_deg)).toBeCloseTo(90, 9);
    }
  });

  it('first picks a site by the crossing, where one station covers both routes', () => {
    const [first] = planStations({ ...base, existing: {}, budgetVnd: 150_000_000 }).stations;
    expect(haversineM(first.lat, first.lon, 10.6, 106.41)).toBeLessThan(150);
    // two cameras along one road (2 × 150 m) plus the across camera on the other road
    expect(first.gain_m).toBeGreaterThan(2 * 150 + 100);
  });

  it('only puts sites on the routes asked for', () => {
    const result = planStations({ ...base, existing: {}, budgetVnd: 900_000_000, siteRoutes: ['B'] });
    expect(result.stations.length).toBeGreaterThan(0);
    expect(result.stations.every((s) => s.route_ref === 'B')).toBe(true);
  });

  it('refuses a non-positive station cost', () => {
    expect(() => planStations({ ...base, existing, budgetVnd: 1, costPerStationVnd: 0 })).toThrow(/cost per station/);
  });
});

describe('planStations: spreading, weights and communes', () => {
  // A 5 km straight road east, nothing covered; the "commune" is which km a site is in.
  const long = [
    {
      ref: 'R',
      coordinates: [
        [106.4, 10.6],
        [106.4457, 10.6],
      ] as LonLat[],
    },
  ];
  const opts = { routes: long, existing: {}, costPerStationVnd: 1, camerasPerStation: 2, fovDeg: 90, rangeM: 90 };
  const kmOf = (_lat: number, lon: number) => `km${Math.floor(haversineM(10.6, 106.4, 10.6, lon) / 1000)}`;

  it('keeps proposed stations min_spacing apart', () => {
    const plan = planStations({ ...opts, budgetVnd: 8, minSpacingM: 600 });
    expect(plan.stations.length).toBeGreaterThan(4);
    for (const a of plan.stations) for (const b of plan.stations) if (a !== b) expect(haversineM(a.lat, a.lon, b.lat, b.lon)).toBeGreaterThanOrEqual(600);
  });

  it('with a commune decay, puts one station in each commune before a second in any', () => {
    const plan = planStations({ ...opts, budgetVnd: 5, communeDecay: 0.5, communeOf: kmOf });
    expect(new Set(plan.stations.map((s) => s.commune_code)).size).toBe(5);
    const dense = planStations({ ...opts, budgetVnd: 5, communeOf: kmOf });
    expect(new Set(dense.stations.map((s) => s.commune_code)).size).toBeLessThan(5);
  });

  it('communes_first reaches each commune without a station first, then fills gaps', () => {
    const communes = [
      { code: 'km3', lat: 10.6, lon: 106.43 },
      { code: 'far', lat: 10.7, lon: 106.5 },
    ];
    const plan = planStations({ ...opts, budgetVnd: 4, objective: 'communes_first', uncoveredCommunes: communes, communeOf: kmOf });
    expect(plan.stations.map((s) => [s.commune_code, s.reason])).toEqual([
      ['km3', 'uncovered_commune'],
      ['far', 'uncovered_commune'],
      [expect.any(String), 'route_gap'],
      [expect.any(String), 'route_gap'],
    ]);
    expect(plan.stations[1]).toMatchObject({ route_ref: null, chainage_m: null, gain_m: 0, lat: 10.7, lon: 106.5 });
  });

  it('ranks by route weight but reports real metres', () => {
    const two = [
      ...long,
      {
        ref: 'S',
        coordinates: [
          [106.4, 10.62],
          [106.41, 10.62],
        ] as LonLat[],
      },
    ];
    const plan = planStations({ ...opts, routes: two, budgetVnd: 3, routeWeights: { S: 2 } });
    expect(plan.stations.every((s) => s.route_ref === 'S')).toBe(true);
    expect(plan.stations[0].gain_m).toBeLessThanOrEqual(180 + 1e-6);
  });
});

describe('stationHeadings', () => {
  it('looks both ways along the road first, then across', () => {
    expect(stationHeadings(30, 1)).toEqual([30]);
    expect(stationHeadings(30, 2)).toEqual([30, 210]);
    expect(stationHeadings(30, 3)).toEqual([30, 210, 120]);
    expect(stationHeadings(300, 4)).toEqual([300, 120, 30, 210]);
    expect(stationHeadings(0, 6)).toEqual([0, 60, 120, 180, 240, 300]);
  });
});
