/**
 * Planning on one road network: QL2 runs over QL1 for 1.5 km (3 m off, as two
 * digitisations of one road do). Every proposed station's gain is checked
 * against an oracle written apart from the interval code: points every metre
 * along the routes, a point of a later route dropped when it lies within 15 m of
 * an earlier route, covered when some camera's sector holds it.
 */
import request from 'supertest';
import { CoverageModule } from '../../src/coverage/coverage.module';
import { destinationPoint, haversineM, LocalProjection, LonLat, seesPoint } from '../../src/geo';
import { PlanningModule } from '../../src/planning/planning.module';
import { insertCameras, insertRoutes, startTestApp, TestApp } from '../coverage/test-app';

const S = { lat: 10.5, lon: 106.4 };
/** The point `east` metres east and `north` metres north of S. */
const at = (east: number, north: number): LonLat => {
  const e = destinationPoint(S.lat, S.lon, 90, east);
  const p = destinationPoint(e.lat, e.lon, 0, north);
  return [p.lon, p.lat];
};
const ROUTES: { ref: string; coordinates: LonLat[] }[] = [
  { ref: 'QL1', coordinates: [at(0, 0), at(0, 3000)] },
  // From the west to QL1 at 1,000 m, along it 3 m east to 2,500 m, then east.
  { ref: 'QL2', coordinates: [at(-1000, 1000), at(3, 1000), at(3, 2500), at(1500, 2500)] },
  { ref: 'QL3', coordinates: [at(200, 0), at(2200, 0)] },
];
/** The existing camera: on QL1 at 1,200 m looking north, 100 m. */
const CAMERA = { lat: at(0, 1200)[1], lon: at(0, 1200)[0], heading_deg: 0, fov_deg: 90, range_m: 100 };
const COST = 20_000_000;

interface Station {
  lat: number;
  lon: number;
  gain_m: number;
  reason: string;
  route_ref: string | null;
  route_refs: string[];
  commune_code: string | null;
  cameras: { heading_deg: number; fov_deg: number; range_m: number }[];
}

/** Oracle: the deduplicated network as points a metre apart, each a metre long. */
function networkPoints(): { lat: number; lon: number }[] {
  const points: { lat: number; lon: number }[] = [];
  ROUTES.forEach((route, r) => {
    for (let i = 0; i + 1 < route.coordinates.length; i++) {
      const [lon1, lat1] = route.coordinates[i];
      const [lon2, lat2] = route.coordinates[i + 1];
      const n = Math.round(haversineM(lat1, lon1, lat2, lon2));
      for (let k = 0; k < n; k++) {
        const p = { lon: lon1 + ((lon2 - lon1) * (k + 0.5)) / n, lat: lat1 + ((lat2 - lat1) * (k + 0.5)) / n };
        if (!ROUTES.slice(0, r).some((earlier) => distanceToLine(p, earlier.coordinates) <= 15)) points.push(p);
      }
    }
  });
  return points;
}

function distanceToLine(p: { lat: number; lon: number }, line: LonLat[]): number {
  const proj = new LocalProjection(p.lat, p.lon);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const ax = proj.x(line[i][0]);
    const ay = proj.y(line[i][1]);
    const dx = proj.x(line[i + 1][0]) - ax;
    const dy = proj.y(line[i + 1][1]) - ay;
    const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(ax + dx * t, ay + dy * t));
  }
  return best;
}

type Sector = { lat: number; lon: number; headingDeg: number; fovDeg: number; rangeM: number };
const sectorsOf = (s: Station): Sector[] => s.cameras.map((c) => ({ lat: s.lat, lon: s.lon, headingDeg: c.heading_deg, fovDeg: c.fov_deg, rangeM: c.range_m }));
const coveredCount = (points: { lat: number; lon: number }[], cams: Sector[]) => points.filter((p) => cams.some((c) => seesPoint(c, p))).length;

describe('planning on one road network', () => {
  let t: TestApp;
  const points = networkPoints();

  beforeAll(async () => {
    t = await startTestApp([CoverageModule, PlanningModule], async (db) => {
      await insertRoutes(db, ROUTES);
      const box = {
        type: 'Polygon',
        coordinates: [
          [
            [106.3, 10.4],
            [106.5, 10.4],
            [106.5, 10.6],
            [106.3, 10.6],
            [106.3, 10.4],
          ],
        ],
      };
      const pt = (e: number, n: number) => ({ lon: at(e, n)[0], lat: at(e, n)[1] });
      const communes: [string, string, { lat: number; lon: number }][] = [
        ['00001', 'Xã Có Trạm', pt(0, 0)],
        ['00002', 'Xã Bắc', pt(300, 2900)],
        ['00003', 'Xã Đông', pt(1800, 100)],
        ['00004', 'Xã Xa', pt(-3000, 6000)],
        ['00005', 'Xã Tây', pt(-700, 1100)],
        ['00006', 'Xã Giữa', pt(100, 1700)],
      ];
      await db.dataSource.query(
        `INSERT INTO admin_unit (layout, code, name, level, kind, parent_code, lat, lon, boundary, properties)
         VALUES ('2019', 'D1', 'Huyện Một', 'district', 'Huyện', '80', 10.5, 106.4, $1, '{}')`,
        [JSON.stringify(box)],
      );
      for (const [code, name, p] of communes) {
        await db.dataSource.query(
          `INSERT INTO admin_unit (layout, code, name, level, kind, parent_code, lat, lon, boundary, properties) VALUES ('2019', $1, $2, 'commune', 'Xã', 'D1', $3, $4, NULL, '{}')`,
          [code, name, p.lat, p.lon],
        );
      }
      await db.dataSource.query(`INSERT INTO station (code, name, commune_code, lat, lon, funding_vnd) VALUES ('ST1', 'Trạm 1', '00001', $1, $2, $3)`, [
        S.lat,
        S.lon,
        COST,
      ]);
      await insertCameras(db, [{ code: 'A', ...CAMERA, commune_code: '00006' }]);
    });
  }, 60_000);
  afterAll(() => t?.close());

  const auth = async () => `Bearer ${await t.token('planner')}`;
  const propose = async (body: object, path = 'proposals') =>
    request(t.url)
      .post(`/api/planning/${path}`)
      .send(body)
      .set('Authorization', await auth());

  it('counts the stretch QL1 and QL2 share once in network totals, and for each route in its own figures', async () => {
    const net = await request(t.url)
      .get('/api/coverage/network')
      .set('Authorization', await auth());
    expect(net.status).toBe(200);
    expect(net.body.shared_stretches).toHaveLength(1);
    expect(net.body.shared_stretches[0]).toMatchObject({ route_ref: 'QL2', shared_with_ref: 'QL1' });
    expect(Math.abs(net.body.length_m - points.length)).toBeLessThan(30);
    // The camera sees 100 m of the shared stretch: once in the network, on both routes.
    expect(net.body.installed.covered_m).toBeCloseTo(100, -1);
    const routes = await request(t.url)
      .get('/api/coverage/routes')
      .set('Authorization', await auth());
    const byRef = new Map<string, { installed: { covered_m: number } }>(routes.body.map((r: { ref: string }) => [r.ref, r]));
    expect(byRef.get('QL1')!.installed.covered_m).toBeCloseTo(100, -1);
    expect(byRef.get('QL2')!.installed.covered_m).toBeCloseTo(100, -1);
    // The planner's gap list holds the shared stretch once, under QL1, naming both routes.
    const gaps = (
      await request(t.url)
        .get('/api/planning/gaps')
        .query({ min_gap_m: 0 })
        .set('Authorization', await auth())
    ).body;
    const total = gaps.reduce((sum: number, g: { length_m: number }) => sum + g.length_m, 0);
    expect(Math.abs(total - (net.body.length_m - net.body.installed.covered_m))).toBeLessThan(5);
    const north = gaps.find((g: { route_ref: string; from_m: number }) => g.route_ref === 'QL1' && Math.round(g.from_m) === 1300);
    expect(north.route_refs).toEqual(['QL1', 'QL2']);
  });

  it.each([
    ['route_metres, no spacing', { objective: 'route_metres', min_spacing_m: 0, commune_decay: 1 }],
    ['route_metres, defaults', {}],
    ['communes_first', { objective: 'communes_first' }],
  ])(
    'claims for every station the gain it really adds on the network (%s)',
    async (_, extra) => {
      const res = await propose({ budget_vnd: 12 * COST, cost_per_station_vnd: COST, cameras_per_station: 2, ...extra });
      expect(res.status).toBe(200);
      const stations: Station[] = res.body.stations;
      expect(stations.length).toBeGreaterThan(5);
      const before = coveredCount(points, [{ lat: CAMERA.lat, lon: CAMERA.lon, headingDeg: 0, fovDeg: 90, rangeM: 100 }]);
      let cams: Sector[] = [{ lat: CAMERA.lat, lon: CAMERA.lon, headingDeg: 0, fovDeg: 90, rangeM: 100 }];
      let covered = before;
      for (const s of stations) {
        cams = [...cams, ...sectorsOf(s)];
        const now = coveredCount(points, cams);
        const real = now - covered;
        covered = now;
        // Within 2 %, and within 2 m for small gains (the oracle counts whole metres).
        expect({ station: s.route_ref, claimed: s.gain_m, real, ok: Math.abs(s.gain_m - real) <= Math.max(0.02 * real, 2) }).toMatchObject({ ok: true });
        // Two 90 m cameras add at most 180 m.
        expect(s.gain_m).toBeLessThanOrEqual(180.5);
      }
      expect(res.body.coverage_before_pct).toBeCloseTo((before / points.length) * 100, 0);
      expect(res.body.coverage_after_pct).toBeCloseTo((covered / points.length) * 100, 0);
    },
    60_000,
  );

  it('keeps stations apart by default', async () => {
    const res = await propose({ budget_vnd: 12 * COST, cameras_per_station: 2 });
    const stations: Station[] = res.body.stations;
    for (let i = 0; i < stations.length; i++) {
      for (let j = 0; j < i; j++) expect(haversineM(stations[i].lat, stations[i].lon, stations[j].lat, stations[j].lon)).toBeGreaterThanOrEqual(499);
    }
  });

  it('communes_first reaches one uncovered commune per station until all are reached, then fills route gaps', async () => {
    const uncovered = (
      await request(t.url)
        .get('/api/planning/uncovered-communes')
        .set('Authorization', await auth())
    ).body.map((c: { code: string }) => c.code);
    expect(uncovered).toEqual(['00002', '00003', '00004', '00005', '00006']);
    for (const n of [1, 3, 5, 8]) {
      const res = await propose({ budget_vnd: n * COST, objective: 'communes_first' });
      expect(res.status).toBe(200);
      const stations: Station[] = res.body.stations;
      expect(stations).toHaveLength(n);
      const first = stations.slice(0, Math.min(n, uncovered.length));
      // Each of the first stations reaches a different commune without a station.
      expect(new Set(first.map((s) => s.commune_code)).size).toBe(first.length);
      for (const s of first) {
        expect(s.reason).toBe('uncovered_commune');
        expect(uncovered).toContain(s.commune_code);
      }
      for (const s of stations.slice(uncovered.length)) expect(s.reason).toBe('route_gap');
      expect(res.body.uncovered_communes_reached).toBe(Math.min(n, uncovered.length));
    }
    // Xã Xa has no route: its station stands near its centre, off the routes.
    const all = (await propose({ budget_vnd: 5 * COST, objective: 'communes_first' })).body.stations as Station[];
    const far = all.find((s) => s.commune_code === '00004')!;
    expect(far.route_ref).toBeNull();
    expect(haversineM(far.lat, far.lon, at(-3000, 6000)[1], at(-3000, 6000)[0])).toBeLessThan(1);
    // The others stand on a route through their commune.
    expect(all.filter((s) => s.commune_code !== '00004').every((s) => s.route_ref !== null)).toBe(true);
  }, 60_000);

  it('weights the routes a planner puts first', async () => {
    const res = await propose({ budget_vnd: 3 * COST, route_weights: { QL3: 5 }, min_spacing_m: 0 });
    expect(res.status).toBe(200);
    expect(res.body.stations.every((s: Station) => s.route_refs.includes('QL3'))).toBe(true);
    const bad = await propose({ budget_vnd: 3 * COST, route_weights: { QL9: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/route_weights.QL9: unknown route ref "QL9"/);
    expect((await propose({ budget_vnd: 3 * COST, route_weights: { QL1: -1 } })).body.message).toMatch(
      /route_weights.QL1: must be a number from 0 to 100, got -1/,
    );
  });

  it('answers a budget below one station with 400, the cost of one station and a stable code', async () => {
    const res = await propose({ budget_vnd: COST - 1 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'budget_below_station_cost',
      params: { budget_vnd: COST - 1, cost_per_station_vnd: COST },
      message: expect.stringContaining(`which costs ${COST} VND`),
    });
    expect((await propose({ budget_vnd: 100, cost_per_station_vnd: 101 })).body.params).toEqual({ budget_vnd: 100, cost_per_station_vnd: 101 });
  });

  it('exports the proposal as GeoJSON and as CSV for Excel', async () => {
    const body = { budget_vnd: 3 * COST, cameras_per_station: 2 };
    const json = (await propose(body)).body;
    const geo = await propose(body, 'proposals.geojson');
    expect(geo.status).toBe(200);
    expect(geo.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(geo.body.features.map((f: { properties: { rank: number; gain_m: number } }) => [f.properties.rank, f.properties.gain_m])).toEqual(
      json.stations.map((s: Station & { rank: number }) => [s.rank, s.gain_m]),
    );
    const csv = await request(t.url)
      .post('/api/planning/proposals.csv')
      .send(body)
      .set('Authorization', await auth())
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^rank,lat,lon,reason,route_ref/);
    expect(lines).toHaveLength(json.stations.length + 1);
    const audit = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'planning.proposal.export'`);
    expect(audit[0].n).toBe(2);
  });
});
