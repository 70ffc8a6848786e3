import { EventBus } from '../../src/common/event-bus';
import { SecretBox } from '../../src/common/secret-box';
import { startTestCamnet, TestCamnet, TEST_SECRET_KEY } from '../support/camnet';

const newCamera = {
  code: 'CIT-TEST-1',
  ownership: 'citizen',
  commune_code: '27685',
  lat: 10.5431,
  lon: 106.4072,
  heading_deg: 90,
  fov_deg: 90,
  range_m: 40,
  owner_name: 'Nguyễn Văn Test',
  owner_phone: '0912345678',
  onvif_url: 'http://10.1.2.3/onvif/device_service',
  onvif_user: 'admin',
  onvif_password: 'pa55-word-xyz',
};

describe('inventory API on the seeded Long An inventory', () => {
  let t: TestCamnet;
  beforeAll(async () => {
    t = await startTestCamnet({ seed: true });
  });
  afterAll(() => t?.close());

  it('GET /api/summary answers the seed figures exactly', async () => {
    const res = await t.as('planner').get('/api/summary').expect(200);
    expect(res.body).toMatchObject({
      communes: { total: 192, with_stations: 112 },
      stations: 670,
      cameras: { station: 1696, citizen: 5572, business: 17110, household: 231, total: 24609 },
      road_signs: 115,
    });
    expect(res.body.funding_vnd).toBeGreaterThanOrEqual(12_000_000_000);
    expect(res.body.status).toEqual({ online: 0, offline: 0, degraded: 0, maintenance: 0, unknown: 24609 });
    expect(res.body.data_source.positions).toMatch(/generated/);
    expect(res.body.data_source.admin_units).toMatch(/real/);
  });

  it('keeps the summary between changes: a camera status change moves one count, an inventory change counts again', async () => {
    const statusOf = async () => (await t.as('planner').get('/api/summary').expect(200)).body.status as Record<string, number>;
    const before = await statusOf();
    const [cam] = await t.db.dataSource.query(`SELECT c.id, c.code FROM camera c WHERE c.ownership = 'station' ORDER BY c.id LIMIT 1`);
    const bus = t.camnet.app.get(EventBus);
    try {
      // What the monitoring service does on a confirmed transition: store the state, announce it.
      await t.db.dataSource.query(`UPDATE camera_state SET status = 'offline' WHERE camera_id = $1`, [cam.id]);
      bus.emit('status.changed', { subject: 'camera', id: cam.id, code: cam.code, status: 'offline', previous: 'unknown', at: new Date(), reason: 'test' });
      expect(await statusOf()).toEqual({ ...before, unknown: before.unknown - 1, offline: before.offline + 1 });
      // A change the events did not tell (another replica's, a hand edit) shows after an inventory change, counted from the table.
      await t.db.dataSource.query(`UPDATE camera_state SET status = 'online' WHERE camera_id = $1`, [cam.id]);
      bus.emit('inventory.changed', { at: new Date(), what: 'camera' });
      expect(await statusOf()).toEqual({ ...before, unknown: before.unknown - 1, online: before.online + 1 });
    } finally {
      await t.db.dataSource.query(`UPDATE camera_state SET status = 'unknown' WHERE camera_id = $1`, [cam.id]);
      bus.emit('inventory.changed', { at: new Date(), what: 'camera' });
    }
    expect(await statusOf()).toEqual(before);
  });

  it('groups the summary and the admin units by the July-2025 communes', async () => {
    const res = await t.as('planner').get('/api/summary?layout=2025-07').expect(200);
    expect(res.body.communes.total).toBe(60);
    expect(res.body.stations).toBe(670);
    expect(res.body.by_commune).toHaveLength(60);
    expect(res.body.by_commune.reduce((n: number, c: { stations: number }) => n + c.stations, 0)).toBe(670);
    const units = await t.as('planner').get('/api/admin-units?layout=2025-07&level=commune').expect(200);
    expect(units.body).toHaveLength(60);
    expect(units.body[0].boundary.type).toBe('Polygon');
    const old = await t.as('planner').get('/api/admin-units?level=commune').expect(200);
    expect(old.body).toHaveLength(192);
    expect(old.body.filter((u: { has_stations: boolean }) => u.has_stations)).toHaveLength(112);
    await t.as('planner').get('/api/admin-units?layout=2031').expect(400);
  });

  it('lists cameras with filters and cursor pages that cover every row once', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const res: { body: { items: { code: string; ownership: string }[]; next_cursor: string | null } } = await t
        .as('technician')
        .get(`/api/cameras?ownership=station&limit=700${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      for (const c of res.body.items) {
        expect(c.ownership).toBe('station');
        seen.add(c.code);
      }
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen.size).toBe(1696);

    const station = await t.as('technician').get('/api/stations?limit=1').expect(200);
    const code = station.body.items[0].code;
    const onStation = await t.as('technician').get(`/api/cameras?station=${code}`).expect(200);
    expect(onStation.body.items.length).toBeGreaterThanOrEqual(2);
    expect(onStation.body.items.every((c: { station_code: string }) => c.station_code === code)).toBe(true);

    const district = await t.as('technician').get('/api/cameras?district=803&ownership=station&limit=5000').expect(200);
    expect(district.body.items.length).toBeGreaterThan(0);
    const bbox = await t.as('technician').get('/api/cameras?bbox=106.3,10.4,106.5,10.6&limit=50').expect(200);
    for (const c of bbox.body.items) {
      expect(c.lon).toBeGreaterThanOrEqual(106.3);
      expect(c.lat).toBeLessThanOrEqual(10.6);
    }
    const unknown = await t.as('technician').get('/api/cameras?status=unknown&limit=1').expect(200);
    expect(unknown.body.items[0].status).toBe('unknown');
    // Each camera says why it is not online; a seeded station camera has not been checked yet.
    expect(unknown.body.items[0].reason).toMatchObject({ code: unknown.body.items[0].onvif_url ? 'never_checked' : 'not_monitored' });
    expect(unknown.body.items[0]).toHaveProperty('since', null);
    const bad = await t.as('technician').get('/api/cameras?ownership=alien').expect(400);
    expect(bad.body.message).toMatch(/ownership/);
  });

  it('answers view=map as a compact table with the same filters and pages, and no owner contacts even for police', async () => {
    const columns = ['code', 'ownership', 'station_code', 'commune_code', 'lat', 'lon', 'heading_deg', 'fov_deg', 'range_m', 'status', 'reason'];
    type MapPage = { columns: string[]; rows: unknown[][]; next_cursor: string | null };
    const asObjects = (body: MapPage) => body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, r[i]])));

    // Pages of 10,000 cover the whole province once each, in three round trips.
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: MapPage; text: string } = await t
        .as('police')
        .get(`/api/cameras?view=map&limit=10000${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      pages++;
      expect(res.body.columns).toEqual(columns);
      expect(res.body).not.toHaveProperty('items');
      for (const row of res.body.rows) {
        expect(row).toHaveLength(columns.length);
        expect(seen.has(row[0] as string)).toBe(false);
        seen.add(row[0] as string);
      }
      // A boolean, not toMatch: a failure would otherwise print megabytes of rows.
      expect(/owner_|phone|onvif|vendor|serial/.test(res.text)).toBe(false);
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.size).toBe(24609);

    // Police see contacts in the full view, and still not in the map view.
    const full = await t.as('police').get('/api/cameras?ownership=citizen&limit=50').expect(200);
    const phone = full.body.items[0].owner_phone as string;
    expect(phone).toMatch(/^0\d{9}$/);
    const map = await t.as('police').get('/api/cameras?view=map&ownership=citizen&limit=50').expect(200);
    expect(map.text.includes(phone)).toBe(false);
    expect(map.text.includes(full.body.items[0].owner_name)).toBe(false);
    // Same rows, same values, in the same order as the full view.
    // The map carries the reason's code; the full view the whole reason.
    const mapFields = (c: Record<string, any>) => Object.fromEntries(columns.map((k) => [k, k === 'reason' ? (c.reason?.code ?? null) : c[k]]));
    expect(asObjects(map.body)).toEqual(full.body.items.map(mapFields));

    // One page may hold the whole province with view=map; filters apply as in the full view.
    const all = await t.as('admin').get('/api/cameras?view=map&limit=25000').expect(200);
    expect(all.body.rows).toHaveLength(24609);
    // A planner gets the station cameras only (private ones as counts: test/privacy).
    const asPlanner = await t.as('planner').get('/api/cameras?view=map&limit=25000').expect(200);
    expect(asPlanner.body.rows).toHaveLength(1696);
    expect(all.body.next_cursor).toBeNull();
    const stations = await t.as('planner').get('/api/cameras?view=map&ownership=station&limit=25000').expect(200);
    expect(stations.body.rows).toHaveLength(1696);
    expect(asObjects(stations.body).every((c) => c.ownership === 'station' && typeof c.station_code === 'string' && typeof c.lat === 'number')).toBe(true);

    const badView = await t.as('planner').get('/api/cameras?view=mini').expect(400);
    expect(badView.body.message).toMatch(/view must be one of full, map, got "mini"/);
    const tooBigFull = await t.as('planner').get('/api/cameras?limit=25000').expect(400);
    expect(tooBigFull.body.message).toMatch(/limit must be a whole number from 1 to 5000 \(or up to 25000 with view=map\), got 25000/);
    const tooBigMap = await t.as('planner').get('/api/cameras?view=map&limit=25001').expect(400);
    expect(tooBigMap.body.message).toMatch(/limit must be a whole number from 1 to 25000 with view=map, got 25001/);
    const notNumber = await t.as('planner').get('/api/cameras?view=map&limit=lots').expect(400);
    expect(notNumber.body.message).toBe('limit: limit must be a whole number from 1 to 25000 with view=map');
    await t.as('planner').get('/api/cameras?view=full&limit=5000').expect(200);
  });

  it('shows private cameras and owners only to police and admin, and never a password', async () => {
    const asPlanner = await t.as('planner').get('/api/cameras?ownership=citizen&limit=1').expect(200);
    expect(asPlanner.body.items).toEqual([]);
    const asPolice = await t.as('police').get('/api/cameras?ownership=citizen&limit=1').expect(200);
    expect(asPolice.body.items[0].owner_phone).toMatch(/^0\d{9}$/);
    const st = await t.as('admin').get('/api/cameras?ownership=station&limit=1').expect(200);
    expect(st.body.items[0].has_onvif_password).toBe(true);
    expect(JSON.stringify(st.body)).not.toMatch(/password"\s*:\s*"|onvif_secret/);
  });

  it('creates, updates and retires a private camera (admin), encrypting its password and auditing each write', async () => {
    const created = await t.as('admin').post('/api/cameras').send(newCamera).expect(201);
    expect(created.body).toMatchObject({ code: 'CIT-TEST-1', ownership: 'citizen', has_onvif_password: true, commune_code_2025: expect.any(String) });
    expect(created.body).not.toHaveProperty('onvif_password');
    const [stored] = await t.db.dataSource.query(`SELECT onvif_secret_enc FROM camera WHERE code = 'CIT-TEST-1'`);
    expect(stored.onvif_secret_enc).not.toContain('pa55');
    expect(new SecretBox(TEST_SECRET_KEY).decrypt(stored.onvif_secret_enc)).toBe('pa55-word-xyz');

    const updated = await t.as('admin').patch('/api/cameras/CIT-TEST-1').send({ heading_deg: 180 }).expect(200);
    expect(updated.body.heading_deg).toBe(180);
    const [still] = await t.db.dataSource.query(`SELECT onvif_secret_enc FROM camera WHERE code = 'CIT-TEST-1'`);
    expect(still.onvif_secret_enc).toBe(stored.onvif_secret_enc);

    await t.as('admin').delete('/api/cameras/CIT-TEST-1').expect(200);
    const after = await t.as('admin').get('/api/cameras/CIT-TEST-1').expect(200);
    expect(after.body.retired_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const audit = await t.as('admin').get('/api/audit?limit=50').expect(200);
    const actions = audit.body.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['camera.create', 'camera.update', 'camera.retire']));
    const create = audit.body.find((a: { action: string }) => a.action === 'camera.create');
    expect(create.role).toBe('admin');
    expect(JSON.stringify(create.params)).not.toContain('pa55');
  });

  it.each([
    ['lat out of range', { lat: 123.4 }, 'lat', /between -90 and 90, got 123.4/],
    ['lon of the wrong type', { lon: 'east' }, 'lon', /must be a number/],
    ['a bad code', { code: 'cam one' }, 'code', /A-Z, 0-9/],
    ['an unknown field', { colour: 'red' }, 'colour', /should not exist/],
    ['a huge owner name', { owner_name: 'x'.repeat(5000) }, 'owner_name', /shorter than or equal to 200/],
    ['a station camera without station', { ownership: 'station' }, 'station_code', /required for a station camera/],
  ])('refuses %s with 400 naming the field', async (_name, change, field, reason) => {
    const res = await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...newCamera, code: 'CIT-BAD-1', ...change })
      .expect(400);
    const reasons = res.body.errors.filter((e: { field: string }) => e.field === field).map((e: { reason: string }) => e.reason);
    expect(reasons.join(' | ')).toMatch(reason);
    const rows = await t.db.dataSource.query(`SELECT 1 FROM camera WHERE code IN ('CIT-BAD-1', 'cam one')`);
    expect(rows).toHaveLength(0);
  });

  it('refuses unknown references and duplicate codes, writing nothing', async () => {
    const unknownCommune = await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...newCamera, code: 'CIT-BAD-2', commune_code: '99999' })
      .expect(400);
    expect(unknownCommune.body.errors).toEqual([{ field: 'commune_code', reason: 'unknown commune code 99999 (2019 layout)' }]);
    const unknownStation = await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...newCamera, code: 'ST-X-C1', ownership: 'station', station_code: 'ST-NOPE', owner_name: undefined, owner_phone: undefined })
      .expect(400);
    expect(unknownStation.body.errors[0]).toEqual({ field: 'station_code', reason: 'unknown station code ST-NOPE' });
    const dup = await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...newCamera })
      .expect(400);
    expect(dup.body.errors[0]).toEqual({ field: 'code', reason: 'a camera with code CIT-TEST-1 already exists' });
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM camera WHERE code IN ('CIT-BAD-2', 'ST-X-C1')`);
    expect(n).toBe(0);
  });

  it('refuses an oversized body with 413 and a bad JSON body with 400', async () => {
    const big = await t
      .as('admin')
      .post('/api/cameras')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...newCamera, notes: 'x'.repeat(2_000_000) }))
      .expect(413);
    expect(big.body.message).toMatch(/too large/);
    const broken = await t.as('admin').post('/api/cameras').set('Content-Type', 'application/json').send('{"code": ').expect(400);
    expect(broken.body.message).toMatch(/not valid JSON/);
  });

  it('creates and updates stations with reference checks', async () => {
    const body = { code: 'ST-TEST-1', name: 'Trạm thử', commune_code: '27685', lat: 10.54, lon: 106.41, route_ref: 'QL1', funding_vnd: 18_000_000 };
    const res = await t.as('admin').post('/api/stations').send(body).expect(201);
    expect(res.body).toMatchObject({ code: 'ST-TEST-1', status: 'unknown', cameras: 0, funding_vnd: 18_000_000 });
    const bad = await t
      .as('admin')
      .post('/api/stations')
      .send({ ...body, code: 'ST-TEST-2', route_ref: 'QL99' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('route_ref');
    const patched = await t.as('admin').patch('/api/stations/ST-TEST-1').send({ name: 'Trạm thử 2' }).expect(200);
    expect(patched.body.name).toBe('Trạm thử 2');
    await t.as('admin').get('/api/stations/ST-NOPE').expect(404);
  });

  describe('roles', () => {
    const cases: [string, string, string, ('admin' | 'technician' | 'police' | 'planner')[]][] = [
      ['GET', '/api/summary', '', ['admin', 'technician', 'police', 'planner']],
      ['GET', '/api/audit', '', ['admin']],
      ['GET', '/api/tokens', '', ['admin']],
      ['POST', '/api/cameras', '', ['admin', 'technician']],
      ['POST', '/api/import', '', ['admin']],
      ['GET', '/api/export/cameras.csv', '', ['admin', 'technician', 'police', 'planner']],
    ];
    it.each(cases)('%s %s is open to exactly its roles', async (method, path, _x, allowed) => {
      for (const role of ['admin', 'technician', 'police', 'planner'] as const) {
        const req = method === 'GET' ? t.as(role).get(path) : t.as(role).post(path).send({});
        const res = await req;
        if (allowed.includes(role)) expect(res.status).not.toBe(403);
        else expect(res.status).toBe(403);
      }
    });

    it('refuses a missing or unknown token with 401 and lets health checks through', async () => {
      const request = (await import('supertest')).default;
      await request(t.url).get('/api/summary').expect(401);
      await request(t.url).get('/api/summary').set('Authorization', 'Bearer nope').expect(401);
      await request(t.url).get('/healthz').expect(200);
      const ready = await request(t.url).get('/readyz').expect(200);
      expect(ready.body.checks).toMatchObject({ database: { ok: true }, migrations: { ok: true }, seed: { ok: true } });
      const metrics = await request(t.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/camnet_process_cpu/);
    });

    it('lets an admin create and revoke tokens; a revoked token stops working', async () => {
      const created = await t.as('admin').post('/api/tokens').send({ name: 'Công an xã', role: 'police' }).expect(201);
      expect(created.body.token).toMatch(/^cn_/);
      const request = (await import('supertest')).default;
      expect((await request(t.url).get('/api/whoami').set('Authorization', `Bearer ${created.body.token}`).expect(200)).body).toMatchObject({
        name: 'Công an xã',
        role: 'police',
      });
      const [{ token_hash }] = await t.db.dataSource.query(`SELECT token_hash FROM api_token WHERE id = $1`, [created.body.id]);
      expect(token_hash).not.toBe(created.body.token);
      await t.as('admin').delete(`/api/tokens/${created.body.id}`).expect(200);
      await request(t.url).get('/api/whoami').set('Authorization', `Bearer ${created.body.token}`).expect(401);
      await t.as('admin').post('/api/tokens').send({ name: 'x', role: 'mayor' }).expect(400);
    });

    it('audits police reads', async () => {
      await t.as('police').get('/api/cameras?ownership=household&limit=2').expect(200);
      const audit = await t.as('admin').get('/api/audit?action=camera.list&limit=5').expect(200);
      expect(audit.body[0]).toMatchObject({ role: 'police', action: 'camera.list' });
      expect(audit.body[0].params.query).toMatchObject({ limit: '2' });
    });
  });
});
