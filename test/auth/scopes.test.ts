/**
 * A technician of one district sees and acts on that district only: the camera
 * list, a camera and the actions on it, the alerts, and the incident search of a
 * police officer with a commune scope. Admins and machine tokens see everything.
 */
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { SearchService } from '../../src/search/search.service';
import { login, SessionClient } from './session-client';

describe('district and commune scopes', () => {
  let t: TestCamnet;
  let tech: SessionClient;
  let officer: SessionClient;
  let techId: number;

  beforeAll(async () => {
    t = await startTestCamnet({ env: { CAMNET_LOGIN_RATE_PER_MIN: '1000' } });
    const q = (sql: string) => t.db.dataSource.query(sql);
    await q(`INSERT INTO admin_unit (layout, code, name, level, parent_code) VALUES
      ('2019', '80', 'Long An', 'province', NULL),
      ('2019', '504', 'Bến Lức', 'district', '80'), ('2019', '505', 'Đức Hòa', 'district', '80'),
      ('2019', '27700', 'Xã A', 'commune', '504'), ('2019', '27701', 'Xã B', 'commune', '504'), ('2019', '27800', 'Xã C', 'commune', '505')`);
    // Station cameras: technicians never see private ones, whatever their scope (test/privacy).
    await q(`INSERT INTO station (code, name, commune_code, lat, lon) VALUES
      ('ST-A', 'Trạm A', '27700', 10.6000, 106.4000), ('ST-B', 'Trạm B', '27701', 10.6002, 106.4002), ('ST-C', 'Trạm C', '27800', 10.6004, 106.4004)`);
    await q(`INSERT INTO camera (code, ownership, station_id, commune_code, lat, lon, heading_deg, fov_deg, range_m)
      SELECT v.code, 'station', s.id, v.commune, v.lat, v.lon, 0, 60, 40
      FROM (VALUES ('CAM-A', 'ST-A', '27700', 10.6000, 106.4000), ('CAM-B', 'ST-B', '27701', 10.6002, 106.4002), ('CAM-C', 'ST-C', '27800', 10.6004, 106.4004))
        AS v (code, station, commune, lat, lon)
      JOIN station s ON s.code = v.station`);
    // The rows went in behind the API's back: the search index learns of them now.
    await t.camnet.app.get(SearchService).refresh();
    await q(`INSERT INTO alert (kind, subject, opened_at) VALUES ('offline', 'camera:CAM-A', now()), ('offline', 'camera:CAM-C', now())`);
    const created = await t
      .as('admin')
      .post('/api/users')
      .send({
        login: 'tech.benluc',
        name: 'Kỹ thuật Bến Lức',
        role: 'technician',
        password: 'mật khẩu kỹ thuật bến lức',
        scope: { kind: 'district', code: '504' },
      })
      .expect(201);
    techId = created.body.id;
    expect(created.body.scope).toEqual({ kind: 'district', code: '504' });
    await t
      .as('admin')
      .post('/api/users')
      .send({ login: 'police.xa-a', name: 'Công an xã A', role: 'police', password: 'mật khẩu công an xã a', scope: { kind: 'commune', code: '27700' } })
      .expect(201);
    tech = await login(t.url, 'tech.benluc', 'mật khẩu kỹ thuật bến lức');
    officer = await login(t.url, 'police.xa-a', 'mật khẩu công an xã a');
  });
  afterAll(() => t?.close());

  const codes = (body: { items: { code: string }[] }) => body.items.map((c) => c.code).sort();

  it('lists only the cameras of the scope, and refuses a filter outside it', async () => {
    expect(codes((await tech.get('/api/cameras').expect(200)).body)).toEqual(['CAM-A', 'CAM-B']);
    expect(codes((await tech.get('/api/cameras?commune=27701').expect(200)).body)).toEqual(['CAM-B']);
    expect((await tech.get('/api/cameras?district=505').expect(403)).body.message).toMatch(/district 505 lies outside your scope \(district 504\)/);
    await tech.get('/api/cameras?commune=27800').expect(403);
    const map = (await tech.get('/api/cameras?view=map').expect(200)).body;
    expect(map.rows.length).toBe(2);
    // Unscoped callers see the province.
    expect(codes((await t.as('technician').get('/api/cameras').expect(200)).body)).toEqual(['CAM-A', 'CAM-B', 'CAM-C']);
  });

  it('reads and acts on a camera of the scope only', async () => {
    await tech.get('/api/cameras/CAM-A').expect(200);
    expect((await tech.get('/api/cameras/CAM-C').expect(403)).body.message).toMatch(/camera CAM-C lies outside your scope/);
    await tech.get('/api/cameras/CAM-C/status').expect(403);
    await tech.get('/api/cameras/CAM-C/history').expect(403);
    await tech.write('post', '/api/cameras/CAM-C/check').expect(403);
    await tech.write('patch', '/api/cameras/CAM-C').send({ heading_deg: 90 }).expect(403);
    await tech.write('delete', '/api/cameras/CAM-C').expect(403);
    const patched = await tech.write('patch', '/api/cameras/CAM-B').send({ heading_deg: 90 });
    expect(patched.status).toBe(200);
    const created = await tech.write('post', '/api/cameras').send({
      code: 'CAM-D',
      ownership: 'station',
      station_code: 'ST-C',
      commune_code: '27800',
      lat: 10.6,
      lon: 106.4,
      heading_deg: 0,
      fov_deg: 60,
      range_m: 40,
    });
    expect(created.status).toBe(403);
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM camera WHERE code = 'CAM-D' OR (code = 'CAM-C' AND heading_deg = 90)`);
    expect(n).toBe(0);
    // The refusal is audited under the person.
    const [row] = await t.db.dataSource.query(
      `SELECT actor, outcome, status FROM audit_log WHERE action = 'camera.update' AND target = 'CAM-C' ORDER BY id DESC LIMIT 1`,
    );
    expect(row).toEqual({ actor: 'Kỹ thuật Bến Lức', outcome: 'refused', status: 403 });
  });

  it('lists only the alerts of the scope', async () => {
    const alerts = (await tech.get('/api/alerts').expect(200)).body;
    expect(alerts.map((a: { subject: string }) => a.subject)).toEqual(['camera:CAM-A']);
    expect((await t.as('admin').get('/api/alerts').expect(200)).body).toHaveLength(2);
  });

  it("leaves cameras outside a police officer's commune out of the incident search, JSON and CSV", async () => {
    const q = 'lat=10.6002&lon=106.4002&radius_m=200&case_ref=VV-2026-0001';
    const found = (await officer.get(`/api/search/near?${q}`).expect(200)).body.cameras.map((c: { code: string }) => c.code);
    expect(found).toEqual(['CAM-A']);
    const answer = (await officer.get(`/api/search/near?${q}`).expect(200)).body;
    expect(answer.counts).toEqual({ cameras: 1, sees_point: 0, recorded: 0, not_recorded: 0, unknown: 0 }); // the scope's, not the province's
    const csv = (await officer.get(`/api/search/near.csv?${q}`).expect(200)).text;
    expect(csv).toMatch(/^CAM-A,/m);
    expect(csv).not.toMatch(/^CAM-[BC],/m);
    // The byte-order mark, the case's particulars (counts recounted for the scope), the blank row and the header survive.
    expect(csv.startsWith('\uFEFFcamnet incident search,\r\ncase_ref,VV-2026-0001\r\n')).toBe(true);
    expect(csv).toMatch(/^lat,10\.6002\r$/m);
    expect(csv).toMatch(/^searched by,Công an xã A \(police\)\r$/m);
    expect(csv).toMatch(/^cameras \/ likely recorded \/ not recording \/ unknown,1 \/ 0 \/ 0 \/ 0\r$/m);
    expect(csv).toMatch(/\r\n\r\ncode,ownership,/);
    expect(csv.endsWith('\r\n')).toBe(true);
    const all = (await t.as('police').get(`/api/search/near?${q}`).expect(200)).body;
    expect(all.cameras).toHaveLength(3);
    expect(all.counts.cameras).toBe(3);
    const allCsv = (await t.as('police').get(`/api/search/near.csv?${q}`).expect(200)).text;
    expect(allCsv).toMatch(/^cameras \/ likely recorded \/ not recording \/ unknown,3 \//m);
  });

  it('validates scopes and applies a change at the next request', async () => {
    const bad = await t
      .as('admin')
      .patch(`/api/users/${techId}`)
      .send({ scope: { kind: 'district', code: '999' } })
      .expect(400);
    expect(bad.body.message).toMatch(/no district with code 999/);
    await t
      .as('admin')
      .patch(`/api/users/${techId}`)
      .send({ scope: { kind: 'district', code: '27700' } })
      .expect(400);
    await t
      .as('admin')
      .patch(`/api/users/${techId}`)
      .send({ scope: { kind: 'county', code: '504' } })
      .expect(400);
    await t
      .as('admin')
      .post('/api/users')
      .send({ login: 'admin.scoped', name: 'x', role: 'admin', password: 'mật khẩu quản trị phạm vi', scope: { kind: 'district', code: '504' } })
      .expect(400);
    await t
      .as('admin')
      .patch(`/api/users/${techId}`)
      .send({ scope: { kind: 'district', code: '505' } })
      .expect(200);
    expect(codes((await tech.get('/api/cameras').expect(200)).body)).toEqual(['CAM-C']);
    await t.as('admin').patch(`/api/users/${techId}`).send({ scope: null }).expect(200);
    expect(codes((await tech.get('/api/cameras').expect(200)).body)).toHaveLength(3);
  });
});
