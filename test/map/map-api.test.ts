/**
 * The map's API against the whole service on the seeded Long An inventory: every
 * error answer carries a stable code and its parameters besides the English
 * message; private cameras come by viewport (clusters at low zoom, single
 * cameras zoomed in), only to police and admin, agree with a brute-force scan of
 * the database, follow live status changes and inventory changes.
 */
import { EventBus } from '../../src/common/event-bus';
import { CLUSTER_MAX_ZOOM } from '../../src/map/camera-cluster.index';
import { REBUILD_MIN_MS } from '../../src/map/map.service';
import { startTestCamnet, TestCamnet } from '../support/camnet';

const PROVINCE = '105.0,10.0,107.5,11.5';
const PRIVATE_TOTAL = 5572 + 17110 + 231;

interface ViewBody {
  zoom: number;
  matching: number;
  clusters: {
    id: number;
    lat: number;
    lon: number;
    count: number;
    expansion_zoom: number;
    by_ownership: Record<string, number>;
    by_status: Record<string, number>;
  }[];
  cameras: { columns: string[]; rows: unknown[][] };
}

describe('the map API', () => {
  let t: TestCamnet;
  // The service's clock runs with real time plus an offset the test moves, to age the cluster counts.
  let offsetMs = 0;
  beforeAll(async () => {
    t = await startTestCamnet({ seed: true, clock: { now: () => new Date(Date.now() + offsetMs) } });
  }, 300_000);
  afterAll(() => t?.close());

  const view = async (role: 'admin' | 'police', query: string): Promise<ViewBody> =>
    (await t.as(role).get(`/api/map/private-cameras?${query}`).expect(200)).body;
  const rowsOf = (v: ViewBody) => v.cameras.rows.map((r) => Object.fromEntries(v.cameras.columns.map((c, i) => [c, r[i]])));
  const inView = (v: ViewBody) => v.clusters.reduce((n, c) => n + c.count, 0) + v.cameras.rows.length;

  describe('error answers', () => {
    const expectShape = (body: Record<string, unknown>, status: number) => {
      expect(body.statusCode).toBe(status);
      expect(typeof body.message).toBe('string');
      expect(typeof body.code).toBe('string');
      expect(body.params).toEqual(expect.any(Object));
    };

    it('a field out of range names the field and the limits the server applies', async () => {
      const res = await t.as('admin').get('/api/search/near?lat=10.54&lon=106.4&radius_m=6000&case_ref=VV-1').expect(400);
      expectShape(res.body, 400);
      expect(res.body).toMatchObject({ code: 'out_of_range', params: { field: 'radius_m', min: 1, max: 5000, value: 6000 } });
      expect(res.body.message).toMatch(/radius_m must be between 1 and 5000 m, got 6000/);
      expect(res.body.errors[0]).toMatchObject({ field: 'radius_m', code: 'out_of_range' });
    });

    it('several bad fields make invalid_fields, each with its own code', async () => {
      const res = await t.as('admin').get('/api/search/near?lat=abc&lon=106.4&radius_m=300&surprise=1').expect(400);
      expectShape(res.body, 400);
      expect(res.body.code).toBe('invalid_fields');
      expect(res.body.params.fields).toEqual(expect.arrayContaining(['lat', 'surprise']));
      const codes = Object.fromEntries(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]));
      expect(codes).toMatchObject({ lat: 'not_a_number', surprise: 'unknown_field' });
    });

    it('401, 403, 404, 413 and broken JSON have codes too', async () => {
      const anonymous = await fetch(`${t.url}/api/summary`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ statusCode: 401, code: 'unauthorized', params: {} });

      const forbidden = await t.as('planner').get('/api/search/near?lat=10.54&lon=106.4&radius_m=300').expect(403);
      expectShape(forbidden.body, 403);
      expect(forbidden.body.code).toBe('forbidden');

      const missing = await t.as('admin').get('/api/cameras/NO-SUCH-CAMERA').expect(404);
      expectShape(missing.body, 404);
      expect(missing.body.code).toBe('not_found');

      const big = await t
        .as('admin')
        .post('/api/planning/proposals')
        .set('content-type', 'application/json')
        .send(`{"budget_vnd": 1, "pad": "${'x'.repeat(1_100_000)}"}`)
        .expect(413);
      expect(big.body).toMatchObject({ statusCode: 413, code: 'body_too_large', params: { limit: '1mb' } });

      const broken = await t.as('admin').post('/api/planning/proposals').set('content-type', 'application/json').send('{"budget_vnd": ').expect(400);
      expect(broken.body).toMatchObject({ statusCode: 400, code: 'body_not_json', params: {} });
    });

    it('a viewport too large for its zoom is refused with its limits', async () => {
      const res = await t.as('admin').get(`/api/map/private-cameras?bbox=${PROVINCE}&zoom=17`).expect(400);
      expect(res.body).toMatchObject({ code: 'bbox_too_large', params: { zoom: 17, max_px: 4096 } });
      const bad = await t.as('admin').get('/api/map/private-cameras?bbox=106.5,10.5,106.4,10.6&zoom=12').expect(400);
      expect(bad.body).toMatchObject({ code: 'bad_bbox', params: { field: 'bbox' } });
      const zoom = await t.as('admin').get(`/api/map/private-cameras?bbox=${PROVINCE}&zoom=40`).expect(400);
      expect(zoom.body).toMatchObject({ code: 'out_of_range', params: { field: 'zoom', max: 19 } });
    });
  });

  it('map-config gives the limits the forms share with the API, before login', async () => {
    const res = await fetch(`${t.url}/api/map-config`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ tile_url: null, tile_attribution: null, limits: { search_radius_m: { min: 1, max: 5000 }, budget_vnd: { min: 1 } } });
    // The province's extent, so the map frames it before anything else arrives.
    const [w, s, e, n] = body.province_bbox;
    expect(w).toBeGreaterThan(105.4);
    expect(e).toBeLessThan(107.1);
    expect(s).toBeGreaterThan(10.2);
    expect(n).toBeLessThan(11.1);
    expect(w < e && s < n).toBe(true);
  });

  it('map/base gives every role the reference layers in one answer, kept until the inventory changes', async () => {
    const base = (await t.as('technician').get('/api/map/base').expect(200)).body;
    expect(base.districts).toHaveLength(15);
    expect(base.communes_2019).toHaveLength(192);
    expect(base.communes_2025).toHaveLength(60);
    expect(base.road_signs).toHaveLength(115);
    expect(base.routes.length).toBeGreaterThanOrEqual(8);
    expect(base.communes_2019.filter((c: { has_stations: boolean }) => c.has_stations)).toHaveLength(112);
    // The same as the inventory's own lists.
    const direct = (await t.as('planner').get('/api/admin-units?layout=2025-07&level=commune').expect(200)).body;
    expect(base.communes_2025).toEqual(direct);
    // A station in a commune without one shows in the next answer: the inventory change drops the kept one.
    const before = base.communes_2019.find((c: { has_stations: boolean }) => !c.has_stations);
    await t
      .as('admin')
      .post('/api/stations')
      .send({ code: 'ST-MAP-1', name: 'Trạm thử bản đồ', commune_code: before.code, lat: before.lat, lon: before.lon })
      .expect(201);
    const after = (await t.as('planner').get('/api/map/base').expect(200)).body;
    expect(after.communes_2019.find((c: { code: string }) => c.code === before.code).has_stations).toBe(true);
  });

  it('map/base is sent compressed once for all: brotli, gzip or plain JSON as the client accepts, the same answer in each', async () => {
    const ask = async (encoding: string) => {
      const res = await fetch(`${t.url}/api/map/base`, { headers: { authorization: `Bearer ${t.tokens.planner}`, 'accept-encoding': encoding } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('vary')).toMatch(/Accept-Encoding/i);
      // fetch undoes the encoding itself: the header says which one travelled.
      return { encoding: res.headers.get('content-encoding'), body: await res.json() };
    };
    const plain = await ask('identity');
    const gz = await ask('gzip');
    const br = await ask('br, gzip');
    expect([plain.encoding, gz.encoding, br.encoding]).toEqual([null, 'gzip', 'br']);
    expect(gz.body).toEqual(plain.body);
    expect(br.body).toEqual(plain.body);
    expect(plain.body.districts).toHaveLength(15);
  });

  it('private positions go to police and admin only', async () => {
    for (const role of ['technician', 'planner'] as const) {
      const res = await t.as(role).get(`/api/map/private-cameras?bbox=${PROVINCE}&zoom=9`).expect(403);
      expect(res.body.code).toBe('forbidden');
    }
    await t.as('police').get(`/api/map/private-cameras?bbox=${PROVINCE}&zoom=9`).expect(200);
    const audit = await t.as('admin').get('/api/audit?action=map.private_cameras&limit=5').expect(200);
    const rows = Array.isArray(audit.body) ? audit.body : audit.body.items;
    expect(rows.length).toBeGreaterThanOrEqual(1);
  });

  it('at province zoom sends clusters whose counts add up to every private camera', async () => {
    const v = await view('admin', `bbox=${PROVINCE}&zoom=9`);
    expect(v.matching).toBe(PRIVATE_TOTAL);
    expect(inView(v)).toBe(PRIVATE_TOTAL);
    expect(v.clusters.length).toBeGreaterThan(0);
    expect(v.clusters.length + v.cameras.rows.length).toBeLessThan(600);
    const owners = { citizen: 0, business: 0, household: 0 };
    for (const c of v.clusters) {
      for (const k of Object.keys(owners) as (keyof typeof owners)[]) owners[k] += c.by_ownership[k];
      expect(Object.values(c.by_status).reduce((a, b) => a + b, 0)).toBe(c.count);
    }
    for (const r of rowsOf(v)) owners[r.ownership as keyof typeof owners]++;
    expect(owners).toEqual({ citizen: 5572, business: 17110, household: 231 });
    // The filters the map offers narrow the whole province's count.
    expect((await view('admin', `bbox=${PROVINCE}&zoom=9&ownership=citizen`)).matching).toBe(5572);
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM camera c JOIN admin_unit u ON u.layout = '2019' AND u.code = c.commune_code WHERE c.ownership <> 'station' AND u.parent_code = '794'`,
    );
    expect((await view('admin', `bbox=${PROVINCE}&zoom=9&district=794`)).matching).toBe(n);
  });

  it('zoomed in, sends exactly the cameras inside the viewport (brute force over the database)', async () => {
    const [centre] = await t.db.dataSource.query(`SELECT lat, lon FROM camera WHERE ownership = 'business' ORDER BY id LIMIT 1`);
    const zoom = CLUSTER_MAX_ZOOM + 1;
    const half = 0.004;
    const bbox = [centre.lon - half, centre.lat - half, centre.lon + half, centre.lat + half];
    const v = await view('police', `bbox=${bbox.join(',')}&zoom=${zoom}`);
    expect(v.clusters).toEqual([]);
    const expected: { code: string }[] = await t.db.dataSource.query(
      `SELECT code FROM camera WHERE ownership <> 'station' AND retired_on IS NULL AND lon BETWEEN $1 AND $3 AND lat BETWEEN $2 AND $4 ORDER BY code`,
      bbox,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(
      rowsOf(v)
        .map((r) => r.code)
        .sort(),
    ).toEqual(expected.map((r) => r.code));
    expect(v.cameras.columns).not.toContain('owner_name');
  });

  it('applies a live status change to single cameras and to cluster counts at once', async () => {
    const [cam] = await t.db.dataSource.query(`SELECT id, code, lat, lon FROM camera WHERE ownership = 'citizen' ORDER BY id LIMIT 1`);
    const near = `bbox=${cam.lon - 0.002},${cam.lat - 0.002},${cam.lon + 0.002},${cam.lat + 0.002}&zoom=17`;
    const before = await view('admin', `bbox=${PROVINCE}&zoom=9`);
    const offlineBefore = before.clusters.reduce((n, c) => n + c.by_status.offline, 0);
    t.camnet.app
      .get(EventBus)
      .emit('status.changed', { subject: 'camera', id: cam.id, code: cam.code, status: 'offline', previous: 'unknown', at: new Date(), reason: 'test' });
    const row = rowsOf(await view('admin', near)).find((r) => r.code === cam.code);
    expect(row?.status).toBe('offline');
    const after = await view('admin', `bbox=${PROVINCE}&zoom=9`);
    const offlineAfter = after.clusters.reduce((n, c) => n + c.by_status.offline, 0) + rowsOf(after).filter((r) => r.status === 'offline').length;
    expect(offlineAfter).toBe(offlineBefore + 1);
    expect((await view('admin', `bbox=${PROVINCE}&zoom=9&status=offline`)).matching).toBe(1);
    // A filter on status holds other cameras once one changes: its tree is built again, at most every REBUILD_MIN_MS.
    const [other] = await t.db.dataSource.query(`SELECT id, code FROM camera WHERE ownership = 'business' ORDER BY id LIMIT 1`);
    t.camnet.app
      .get(EventBus)
      .emit('status.changed', { subject: 'camera', id: other.id, code: other.code, status: 'offline', previous: 'unknown', at: new Date(), reason: 'test' });
    const again = await view('admin', `bbox=${PROVINCE}&zoom=9`);
    expect(again.clusters.reduce((n, c) => n + c.by_status.offline, 0) + rowsOf(again).filter((r) => r.status === 'offline').length).toBe(offlineBefore + 2);
    offsetMs += REBUILD_MIN_MS + 1;
    expect((await view('admin', `bbox=${PROVINCE}&zoom=9&status=offline`)).matching).toBe(2);
  });

  it('follows the inventory: a camera registered through the API appears on the next view', async () => {
    const before = await view('admin', `bbox=${PROVINCE}&zoom=9`);
    await t
      .as('admin')
      .post('/api/cameras')
      .send({
        code: 'CIT-MAP-NEW',
        ownership: 'citizen',
        commune_code: '27685',
        lat: 10.5431,
        lon: 106.4072,
        heading_deg: 90,
        fov_deg: 90,
        range_m: 40,
      })
      .expect(201);
    const after = await view('admin', `bbox=${PROVINCE}&zoom=9`);
    expect(after.matching).toBe(before.matching + 1);
    const close = await view('admin', 'bbox=106.405,10.542,106.409,10.545&zoom=17');
    expect(rowsOf(close).map((r) => r.code)).toContain('CIT-MAP-NEW');
  });
});
