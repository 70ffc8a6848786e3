import request from 'supertest';
import { EventBus } from '../../src/common/event-bus';
import { CoverageModule } from '../../src/coverage/coverage.module';
import { CoverageService } from '../../src/coverage/coverage.service';
import { destinationPoint } from '../../src/geo';
import { insertCameras, insertRoutes, startTestApp, TestApp } from './test-app';

// A straight 1,000 m route running north; chainage m is the point m metres north of S.
const S = { lat: 10.5, lon: 106.4 };
const at = (m: number) => destinationPoint(S.lat, S.lon, 0, m);
const E = at(1000);
const statusAt = new Date('2025-03-01T11:00:00Z');

describe('GET /api/coverage', () => {
  let t: TestApp;
  let ids: Map<string, number>;

  beforeAll(async () => {
    t = await startTestApp([CoverageModule], async (db) => {
      await insertRoutes(db, [{ ref: 'QL1', name: 'Quốc lộ 1', coordinates: [[S.lon, S.lat], [E.lon, E.lat]] }]);
      await db.dataSource.query(
        `INSERT INTO admin_unit (layout, code, name, level, parent_code, lat, lon, boundary) VALUES
          ('2019', 'D1', 'Huyện Một', 'district', '80', NULL, NULL, NULL),
          ('2019', '00001', 'Xã Một', 'commune', 'D1', 10.5, 106.4, NULL),
          ('2019', '00002', 'Xã Hai', 'commune', 'D1', 10.51, 106.4, NULL),
          ('2025-07', 'N1', 'Xã Mới', 'commune', '80', 10.5, 106.4, $1)`,
        // The southern half of the route, chainage 0-500, lies in N1.
        [JSON.stringify({ type: 'Polygon', coordinates: [[[106.39, 10.49], [106.41, 10.49], [106.41, at(500).lat], [106.39, at(500).lat], [106.39, 10.49]]] })],
      );
      await db.dataSource.query(
        `INSERT INTO station (code, name, commune_code, commune_code_2025, lat, lon, funding_vnd) VALUES ('ST1', 'Trạm 1', '00001', 'N1', 10.5, 106.4, 1)`,
      );
      ids = await insertCameras(db, [
        // On the road at chainage 200 looking north, 100 m: covers 200-300.
        { code: 'A', ...at(200), heading_deg: 0, fov_deg: 90, range_m: 100, commune_code: '00001' },
        // At chainage 600 looking south, 150 m: covers 450-600.
        { code: 'B', ...at(600), heading_deg: 180, fov_deg: 60, range_m: 150, commune_code: '00002' },
        // A citizen's camera at 800 looking north, 50 m: covers 800-850.
        { code: 'C', ownership: 'citizen', ...at(800), heading_deg: 0, fov_deg: 90, range_m: 50, commune_code: '00002' },
        // Retired: never counts.
        { code: 'D', ...at(0), heading_deg: 0, range_m: 150, retired_on: '2024-01-01', commune_code: '00001' },
      ]);
      await db.dataSource.query(`UPDATE camera SET commune_code_2025 = 'N1' WHERE code IN ('A', 'D')`);
      await db.dataSource.query(
        `INSERT INTO camera_state (camera_id, status, since) VALUES ($1, 'online', $4), ($2, 'offline', $4), ($3, 'degraded', $4)`,
        [ids.get('A'), ids.get('B'), ids.get('C'), statusAt],
      );
    });
  });
  afterAll(() => t?.close());

  const get = async (path: string, query: Record<string, string | number> = {}, role: 'planner' | 'police' | 'technician' | 'admin' = 'planner') =>
    request(t.url).get(`/api/coverage/${path}`).query(query).set('Authorization', `Bearer ${await t.token(role)}`);

  it('answers installed and effective coverage with gaps, in the DESIGN.md shape', async () => {
    const res = await get('routes', { min_gap_m: 160 });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const [r] = res.body;
    expect(Object.keys(r).sort()).toEqual(['effective', 'gaps', 'installed', 'length_m', 'name', 'online_monitored', 'private_registered', 'ref']);
    expect(r.ref).toBe('QL1');
    expect(r.name).toBe('Quốc lộ 1');
    expect(r.length_m).toBeCloseTo(1000, 0);
    expect(r.installed.covered_m).toBeCloseTo(300, 0);
    expect(r.installed.pct).toBeCloseTo(30, 1);
    // B is offline: A (online) and C (degraded) count.
    expect(r.effective.covered_m).toBeCloseTo(150, 0);
    expect(r.effective.pct).toBeCloseTo(15, 1);
    // "effective" is the old name of online_monitored, kept for one release.
    expect(r.online_monitored).toEqual(r.effective);
    // Only C is a registered private camera: 800-850.
    expect(r.private_registered.covered_m).toBeCloseTo(50, 0);
    expect(r.private_registered.pct).toBeCloseTo(5, 1);
    expect(r.gaps.map((g: { from_m: number; to_m: number }) => [Math.round(g.from_m), Math.round(g.to_m)])).toEqual([
      [0, 200],
      [600, 800],
    ]);
    const g = r.gaps[0];
    expect(g.length_m).toBeCloseTo(200, 0);
    expect(g.geometry.type).toBe('LineString');
    expect(g.geometry.coordinates[0]).toEqual([S.lon, S.lat]);
    expect(g.geometry.coordinates.at(-1)[1]).toBeCloseTo(at(200).lat, 5);
  });

  it('reports every gap of at least 500 m by default, and filters by ownership', async () => {
    expect((await get('routes')).body[0].gaps).toEqual([]);
    const all = (await get('routes', { min_gap_m: 0 })).body[0];
    expect(all.gaps).toHaveLength(4);
    const stations = (await get('routes', { ownership: 'station' })).body[0];
    expect(stations.installed.covered_m).toBeCloseTo(250, 0);
    expect(stations.effective.covered_m).toBeCloseTo(100, 0);
    const mixed = (await get('routes', { ownership: 'station,citizen' })).body[0];
    expect(mixed.installed.covered_m).toBeCloseTo(300, 0);
    const bad = await get('routes', { ownership: 'station,police' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/ownership must be a comma-separated list of station, citizen, business, household/);
    expect((await get('routes', { min_gap_m: -1 })).status).toBe(400);
  });

  it('follows status and heading changes announced on the event bus', async () => {
    const bus = t.app.get(EventBus);
    const effective = async () => (await get('routes')).body[0].effective.covered_m;
    // As monitoring does: the state row first, then the event.
    const status = async (code: string, next: 'online' | 'offline', previous: 'online' | 'offline') => {
      await t.db.dataSource.query(`UPDATE camera_state SET status = $2 WHERE camera_id = $1`, [ids.get(code), next]);
      bus.emit('status.changed', { subject: 'camera', id: ids.get(code)!, code, status: next, previous, at: statusAt, reason: null });
    };
    const heading = async (code: string, headingDeg: number | null) => {
      await t.db.dataSource.query(`UPDATE camera_state SET heading_deg = $2 WHERE camera_id = $1`, [ids.get(code), headingDeg]);
      bus.emit('heading.changed', { cameraId: ids.get(code)!, code, headingDeg, at: statusAt });
    };
    await status('B', 'online', 'offline');
    expect(await effective()).toBeCloseTo(300, 0);
    await status('A', 'offline', 'online');
    expect(await effective()).toBeCloseTo(200, 0);
    await status('A', 'online', 'offline');
    // C turned round to look south: it now covers 750-800, which B's 450-600 does not touch.
    await heading('C', 180);
    const r = (await get('routes', { min_gap_m: 0 })).body[0];
    expect(r.effective.covered_m).toBeCloseTo(300, 0);
    // Installed coverage keeps the registered heading.
    expect(r.installed.covered_m).toBeCloseTo(300, 0);
    expect(r.gaps.map((g: { from_m: number }) => Math.round(g.from_m))).toEqual([0, 300, 600, 850]);
    // A turned across the road (east, 90° wide): its 100 m along the road are lost.
    await heading('A', 90);
    expect(await effective()).toBeCloseTo(200, 0);
    await heading('A', null);
    expect(await effective()).toBeCloseTo(300, 0);
  });

  it('picks up cameras added to the inventory on refresh', async () => {
    const [added] = await insertCameras(t.db, [{ code: 'F', ...at(900), heading_deg: 0, range_m: 100, commune_code: '00002' }]).then((m) => [...m.values()]);
    await t.app.get(CoverageService).refresh();
    expect((await get('routes')).body[0].installed.covered_m).toBeCloseTo(400, 0);
    await t.db.dataSource.query(`UPDATE camera SET retired_on = '2025-01-01' WHERE id = $1`, [added]);
    await t.app.get(CoverageService).refresh();
    expect((await get('routes')).body[0].installed.covered_m).toBeCloseTo(300, 0);
  });

  it('summarises communes in the 2019 layout, and route coverage in the 2025 one', async () => {
    const old = await get('communes', {}, 'technician');
    expect(old.status).toBe(200);
    expect(old.body).toEqual([
      {
        code: '00001', name: 'Xã Một', district_code: 'D1', district_name: 'Huyện Một',
        cameras: { station: 1, citizen: 0, business: 0, household: 0, total: 1 }, stations: 1, online: 1,
        route_m: null, installed_covered_m: null, effective_covered_m: null, online_monitored_covered_m: null, private_registered_covered_m: null,
      },
      {
        code: '00002', name: 'Xã Hai', district_code: 'D1', district_name: 'Huyện Một',
        cameras: { station: 1, citizen: 1, business: 0, household: 0, total: 2 }, stations: 0, online: 2,
        route_m: null, installed_covered_m: null, effective_covered_m: null, online_monitored_covered_m: null, private_registered_covered_m: null,
      },
    ]);
    const now = await get('communes', { layout: '2025-07' }, 'police');
    expect(now.status).toBe(200);
    const [n1] = now.body;
    expect(n1).toMatchObject({ code: 'N1', name: 'Xã Mới', district_code: null, stations: 1, cameras: { station: 1, total: 1 }, online: 1 });
    // Half the route is inside N1 (to within the 25 m sampling step); A covers 200-300 and B 450-500 of it.
    expect(Math.abs(n1.route_m - 500)).toBeLessThanOrEqual(25);
    expect(Math.abs(n1.installed_covered_m - 150)).toBeLessThanOrEqual(25);
    expect(n1.online_monitored_covered_m).toBe(n1.effective_covered_m);
    expect(n1.private_registered_covered_m).toBe(0);
    expect((await get('communes', { layout: '2020' })).status).toBe(400);
  });
});
