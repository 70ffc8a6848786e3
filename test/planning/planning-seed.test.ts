/**
 * Planning, coverage and search over the whole Long An seed: the figures the
 * report gives (80 of 192 communes without a station) must come out exactly.
 */
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { CoverageModule } from '../../src/coverage/coverage.module';
import { PlanningModule } from '../../src/planning/planning.module';
import { SearchModule } from '../../src/search/search.module';
import { generateSeedInventory } from '../../src/seed/seed.generator';
import { loadSeedInventory } from '../../src/seed/seed.loader';
import { startTestApp, TestApp } from '../coverage/test-app';

describe('planning over the Long An seed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([CoverageModule, SearchModule, PlanningModule], async (db) => {
      await loadSeedInventory(db.dataSource, generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:1' }), (plain) => `x${plain.length}`, {
        intervalS: 60,
        now: new Date('2025-03-01T00:00:00Z'),
      });
    });
  }, 120_000);
  afterAll(() => t?.close());

  const auth = async (role: 'planner' | 'admin') => `Bearer ${await t.token(role)}`;

  it('finds exactly the 80 communes of 192 with no station', async () => {
    const res = await request(t.url)
      .get('/api/planning/uncovered-communes')
      .set('Authorization', await auth('planner'));
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(80);
    for (const c of res.body) {
      expect(c.district_code).toMatch(/^\d{3}$/);
      expect(c.district_name).toEqual(expect.any(String));
      expect(c.communes_2025.length).toBeGreaterThan(0);
      expect(c.nearest_route_ref).toEqual(expect.any(String));
      expect(c.nearest_route_distance_m).toBeGreaterThanOrEqual(0);
    }
    // Every 2025 commune named carries its own population where the source gives one.
    expect(res.body.some((c: { communes_2025: { population: number | null }[] }) => c.communes_2025.some((n) => n.population !== null))).toBe(true);
  });

  it('proposes stations within budget at the average funding, raising coverage', async () => {
    const [{ avg }] = await t.db.dataSource.query(`SELECT round(SUM(funding_vnd)::numeric / COUNT(*))::float8 AS avg FROM station`);
    const budget = 1_000_000_000;
    const res = await request(t.url)
      .post('/api/planning/proposals')
      .send({ budget_vnd: budget })
      .set('Authorization', await auth('planner'));
    expect(res.status).toBe(200);
    expect(res.body.cost_per_station_vnd).toBe(avg);
    expect(res.body.stations).toHaveLength(Math.floor(budget / avg));
    expect(res.body.total_cost_vnd).toBeLessThanOrEqual(budget);
    expect(res.body.coverage_after_pct).toBeGreaterThan(res.body.coverage_before_pct);
    // The province's own ratio: 1,696 cameras / 670 stations, rounded.
    expect(res.body.cameras_per_station).toBe(3);
    expect(res.body.stations.every((s: { cameras: unknown[] }) => s.cameras.length === 3)).toBe(true);
    for (const s of res.body.stations) {
      expect(s.commune_code).toMatch(/^\d{5}$/);
    }
  }, 60_000);

  it('counts the 14 km QL62 and QL N2 share once, and spreads a 2 billion VND proposal over the communes', async () => {
    const net = await request(t.url)
      .get('/api/coverage/network')
      .set('Authorization', await auth('planner'));
    expect(net.status).toBe(200);
    // Whichever of the two comes first holds the stretch.
    const pair = (s: { route_ref: string; shared_with_ref: string }) => [s.route_ref, s.shared_with_ref].sort().join('+');
    const shared = net.body.shared_stretches.filter((s: { route_ref: string; shared_with_ref: string }) => pair(s) === 'QL N2+QL62');
    const sharedM = shared.reduce((sum: number, s: { from_m: number; to_m: number }) => sum + s.to_m - s.from_m, 0);
    expect(sharedM).toBeGreaterThan(13_000);
    expect(sharedM).toBeLessThan(15_000);
    const routes = await request(t.url)
      .get('/api/coverage/routes')
      .set('Authorization', await auth('planner'));
    const routeSum = routes.body.reduce((sum: number, r: { length_m: number }) => sum + r.length_m, 0);
    expect(Math.abs(net.body.length_m - (routeSum - sharedM))).toBeLessThan(500);
    expect(net.body.installed.covered_m).toBeLessThan(
      routes.body.reduce((sum: number, r: { installed: { covered_m: number } }) => sum + r.installed.covered_m, 0),
    );

    const res = await request(t.url)
      .post('/api/planning/proposals')
      .send({ budget_vnd: 2_000_000_000, cameras_per_station: 2 })
      .set('Authorization', await auth('planner'));
    expect(res.status).toBe(200);
    const stations: { gain_m: number; route_refs: string[]; commune_code: string }[] = res.body.stations;
    // On the shared stretch two 90 m cameras add about 180 m (a little more on a bend), not
    // twice that as when each route counted it; a crossing of two distinct routes may add more.
    const onShared = stations.filter((s) => s.route_refs.includes('QL62') && s.route_refs.includes('QL N2'));
    for (const s of onShared) expect(s.gain_m).toBeLessThan(200);
    expect(onShared.length).toBeLessThan(stations.length / 4);
    const perCommune = new Map<string, number>();
    for (const s of stations) perCommune.set(s.commune_code, (perCommune.get(s.commune_code) ?? 0) + 1);
    expect(Math.max(...perCommune.values())).toBeLessThanOrEqual(Math.ceil(stations.length / 10));
    expect(perCommune.size).toBeGreaterThan(stations.length / 3);

    // communes_first: 2 billion VND buys 93 stations, enough for all 80 communes without one.
    const first = await request(t.url)
      .post('/api/planning/proposals')
      .send({ budget_vnd: 2_000_000_000, objective: 'communes_first' })
      .set('Authorization', await auth('planner'));
    expect(first.status).toBe(200);
    expect(first.body.uncovered_communes_before).toBe(80);
    expect(first.body.uncovered_communes_reached).toBe(80);
    const firsts = first.body.stations.slice(0, 80);
    expect(new Set(firsts.map((s: { commune_code: string }) => s.commune_code)).size).toBe(80);
    expect(firsts.every((s: { reason: string }) => s.reason === 'uncovered_commune')).toBe(true);
  }, 90_000);

  it('covers every route, and finds the cameras around a station', async () => {
    const routes = await request(t.url)
      .get('/api/coverage/routes')
      .set('Authorization', await auth('admin'));
    expect(routes.status).toBe(200);
    expect(routes.body.length).toBeGreaterThanOrEqual(6);
    for (const r of routes.body) {
      expect(r.installed.covered_m).toBeGreaterThan(0);
      expect(r.installed.covered_m).toBeLessThanOrEqual(r.length_m + 0.1);
      // Nothing is online before the first check.
      expect(r.effective.covered_m).toBe(0);
      expect(r.online_monitored.covered_m).toBe(0);
      // Registered private cameras stand along the routes too.
      expect(r.private_registered.covered_m).toBeGreaterThanOrEqual(0);
    }
    const [station] = await t.db.dataSource.query(`SELECT lat, lon FROM station ORDER BY id LIMIT 1`);
    const near = await request(t.url)
      .get('/api/search/near')
      .query({ lat: station.lat, lon: station.lon, radius_m: 50, case_ref: 'VV-SEED' })
      .set('Authorization', await auth('admin'));
    expect(near.status).toBe(200);
    expect(near.body.cameras.filter((c: { ownership: string }) => c.ownership === 'station').length).toBeGreaterThanOrEqual(2);
  });

  it('documents the coverage, search and planning shapes in the OpenAPI document', () => {
    const doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
    for (const p of [
      '/api/coverage/routes',
      '/api/coverage/communes',
      '/api/search/near',
      '/api/search/near.csv',
      '/api/planning/uncovered-communes',
      '/api/planning/gaps',
      '/api/planning/proposals',
    ]) {
      expect(doc.paths[p]).toBeDefined();
    }
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys((schemas.CommuneCoverageDto as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['code', 'cameras', 'stations', 'online', 'route_m', 'installed_covered_m', 'effective_covered_m']),
    );
    expect(Object.keys((schemas.NearCameraDto as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['code', 'distance_m', 'sees_point', 'recorded', 'status_at', 'heading_at', 'owner']),
    );
    expect(Object.keys((schemas.ProposalDto as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['stations', 'total_cost_vnd', 'coverage_before_pct', 'coverage_after_pct']),
    );
  });
});
