import request from 'supertest';
import { CoverageModule } from '../../src/coverage/coverage.module';
import { destinationPoint, haversineM } from '../../src/geo';
import { PlanningModule } from '../../src/planning/planning.module';
import { insertCameras, insertRoutes, startTestApp, TestApp } from '../coverage/test-app';

// QL1 runs 2,000 m north from S; QL2 runs 1,000 m east from S.
const S = { lat: 10.5, lon: 106.4 };
const north = (m: number) => destinationPoint(S.lat, S.lon, 0, m);
const east = (m: number) => destinationPoint(S.lat, S.lon, 90, m);
const box = (w: number, s: number, e: number, n: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

describe('/api/planning', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([CoverageModule, PlanningModule], async (db) => {
      await insertRoutes(db, [
        {
          ref: 'QL1',
          coordinates: [
            [S.lon, S.lat],
            [north(2000).lon, north(2000).lat],
          ],
        },
        {
          ref: 'QL2',
          coordinates: [
            [S.lon, S.lat],
            [east(1000).lon, east(1000).lat],
          ],
        },
      ]);
      const mid = north(1000).lat;
      await db.dataSource.query(
        `INSERT INTO admin_unit (layout, code, name, level, kind, parent_code, lat, lon, boundary, properties) VALUES
          ('2019', 'D1', 'Huyện Một', 'district', 'Huyện', '80', 10.5, 106.4, $1, '{}'),
          ('2019', '00001', 'Xã Có Trạm', 'commune', 'Xã', 'D1', 10.5, 106.4, NULL, '{}'),
          ('2019', '00002', 'Xã Nam', 'commune', 'Xã', 'D1', 10.503, 106.4, NULL, $2),
          ('2019', '00003', 'Xã Bắc', 'commune', 'Xã', 'D1', 10.52, 106.41, NULL, $3),
          ('2025-07', 'N1', 'Xã Mới Nam', 'commune', 'Xã', '80', 10.5, 106.4, $4, '{"bando_population": 12345, "bando_area_km2": 20.5}'),
          ('2025-07', 'N2', 'Xã Mới Bắc', 'commune', 'Xã', '80', 10.51, 106.4, $5, '{}')`,
        [
          JSON.stringify(box(106.35, 10.45, 106.45, 10.55)),
          JSON.stringify({ successors_2025_07: [{ code: 'N1', name: 'Xã Mới Nam', kind: 'full' }] }),
          JSON.stringify({
            successors_2025_07: [
              { code: 'N1', name: 'Xã Mới Nam', kind: 'partial' },
              { code: 'N2', name: 'Xã Mới Bắc', kind: 'partial' },
            ],
          }),
          JSON.stringify(box(106.35, 10.45, 106.45, mid)),
          JSON.stringify(box(106.35, mid, 106.45, 10.55)),
        ],
      );
      await db.dataSource.query(
        `INSERT INTO station (code, name, commune_code, lat, lon, funding_vnd) VALUES
          ('ST1', 'Trạm 1', '00001', 10.5, 106.4, 20000000), ('ST2', 'Trạm 2', '00001', 10.5, 106.4, 30000000)`,
      );
      await insertCameras(db, [{ code: 'A', ...north(200), heading_deg: 0, fov_deg: 90, range_m: 100, commune_code: '00001' }]);
    });
  });
  afterAll(() => t?.close());

  const auth = async (role: 'planner' | 'admin' | 'technician' | 'police') => `Bearer ${await t.token(role)}`;
  const get = async (path: string, query: Record<string, string | number> = {}, role: 'planner' | 'technician' = 'planner') =>
    request(t.url)
      .get(`/api/planning/${path}`)
      .query(query)
      .set('Authorization', await auth(role));
  const propose = async (body: unknown, role: 'planner' | 'admin' | 'technician' = 'planner') =>
    request(t.url)
      .post('/api/planning/proposals')
      .send(body as object)
      .set('Authorization', await auth(role));

  it('lists the communes with no station, with their 2025 communes and the nearest route', async () => {
    const res = await get('uncovered-communes');
    expect(res.status).toBe(200);
    expect(res.body.map((c: { code: string }) => c.code)).toEqual(['00002', '00003']);
    const [south, northC] = res.body;
    expect(south).toMatchObject({
      code: '00002',
      name: 'Xã Nam',
      kind: 'Xã',
      district_code: 'D1',
      district_name: 'Huyện Một',
      lat: 10.503,
      lon: 106.4,
      communes_2025: [{ code: 'N1', name: 'Xã Mới Nam', kind: 'full', population: 12345, area_km2: 20.5 }],
      nearest_route_ref: 'QL1',
    });
    expect(south.nearest_route_distance_m).toBeLessThanOrEqual(1);
    expect(northC.communes_2025).toEqual([
      { code: 'N1', name: 'Xã Mới Nam', kind: 'partial', population: 12345, area_km2: 20.5 },
      { code: 'N2', name: 'Xã Mới Bắc', kind: 'partial', population: null, area_km2: null },
    ]);
    // North-east of QL1's northern end, which is its nearest point.
    expect(northC.nearest_route_ref).toBe('QL1');
    const end = north(2000);
    expect(Math.abs(northC.nearest_route_distance_m - haversineM(10.52, 106.41, end.lat, end.lon))).toBeLessThanOrEqual(0.5);
    expect((await get('uncovered-communes', {}, 'technician')).status).toBe(403);
  });

  it('ranks the route gaps by length', async () => {
    const res = await get('gaps', { min_gap_m: 100 });
    expect(res.status).toBe(200);
    expect(res.body.map((g: { route_ref: string; length_m: number }) => [g.route_ref, Math.round(g.length_m)])).toEqual([
      ['QL1', 1700],
      ['QL2', 1000],
      ['QL1', 200],
    ]);
    expect(res.body[0]).toMatchObject({ route_name: 'QL1', geometry: { type: 'LineString' } });
    expect((await get('gaps')).body).toHaveLength(2);
  });

  it('proposes stations within the budget at the average funding per station', async () => {
    const res = await propose({ budget_vnd: 60_000_000 });
    expect(res.status).toBe(200);
    // Average funding 25 M VND: two stations fit in 60 M.
    expect(res.body.stations).toHaveLength(2);
    expect(res.body.total_cost_vnd).toBe(50_000_000);
    expect(res.body.total_cost_vnd).toBeLessThanOrEqual(60_000_000);
    expect(res.body.coverage_before_pct).toBeCloseTo((100 / 3000) * 100, 1);
    // Two cameras of 90 m both ways along the road: up to 180 m each.
    expect(res.body.coverage_after_pct).toBeCloseTo(((100 + 360) / 3000) * 100, 0);
    for (const s of res.body.stations) {
      expect(s).toMatchObject({ cost_vnd: 25_000_000, commune_code: expect.stringMatching(/^0000[123]$/), cameras: expect.any(Array) });
      expect(['QL1', 'QL2']).toContain(s.route_ref);
      expect(s.gain_m).toBeGreaterThan(170);
      expect(s.cameras).toHaveLength(2);
      expect(s.cameras[0]).toEqual({ heading_deg: expect.any(Number), fov_deg: 90, range_m: 90 });
      expect(['N1', 'N2']).toContain(s.commune_code_2025);
    }
    const audit = await t.db.dataSource.query(`SELECT action, role FROM audit_log WHERE action = 'planning.proposal'`);
    expect(audit).toEqual([{ action: 'planning.proposal', role: 'planner' }]);
  });

  it('places stations only on the routes asked, with the cost and cameras asked', async () => {
    const res = await propose({ budget_vnd: 100, cost_per_station_vnd: 30, cameras_per_station: 1, routes: ['QL2'], min_spacing_m: 0 }, 'admin');
    expect(res.status).toBe(200);
    expect(res.body.stations).toHaveLength(3);
    expect(res.body.total_cost_vnd).toBe(90);
    for (const s of res.body.stations) {
      expect(s.route_ref).toBe('QL2');
      expect(s.cameras).toHaveLength(1);
    }
  });

  it('refuses bad bodies with messages naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ budget_vnd: 0 }, /budget_vnd must be more than 0/],
      [{ budget_vnd: -5 }, /budget_vnd must be more than 0/],
      [{}, /budget_vnd must be a number/],
      [{ budget_vnd: 1e9, routes: ['QL1', 'QL9'] }, /unknown route ref\(s\) "QL9"; known refs are QL1, QL2/],
      [{ budget_vnd: 1e9, routes: [] }, /routes must name at least one route/],
      [{ budget_vnd: 1e9, cameras_per_station: 5 }, /cameras_per_station must be a whole number from 1 to 4, got 5/],
      [{ budget_vnd: 1e9, cameras_per_station: 0 }, /cameras_per_station must be a whole number from 1 to 4/],
      [{ budget_vnd: 1e9, cost_per_station_vnd: 0 }, /cost_per_station_vnd must be more than 0/],
      [{ budget_vnd: 1e9, color: 'red' }, /property color should not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await propose(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toMatch(message);
    }
    expect((await propose({ budget_vnd: 1e9 }, 'technician')).status).toBe(403);
  });
});
