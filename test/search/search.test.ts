import request from 'supertest';
import { destinationPoint } from '../../src/geo/geo.math';
import { SearchModule } from '../../src/search/search.module';
import { SearchService } from '../../src/search/search.service';
import { insertCameras, startTestApp, TestApp } from '../coverage/test-app';

const P = { lat: 10.5431, lon: 106.4072 };
/** A camera `distM` from P on `bearing` (degrees from P), pointing at `heading`. */
const around = (bearing: number, distM: number) => destinationPoint(P.lat, P.lon, bearing, distM);

/**
 * The incident search through its route on a real database: the history in force
 * read by SQL, roles, validation, the audit log, the CSV, the province check, the
 * index refresh. The service's decisions over times, reasons and registration days
 * are tested on in-memory repositories in src/search/search.service.spec.ts.
 */
describe('GET /api/search/near', () => {
  let t: TestApp;
  let ids: Map<string, number>;

  beforeAll(async () => {
    t = await startTestApp([SearchModule], async (db) => {
      ids = await insertCameras(db, [
        // 50 m south of P, looking north at it.
        { code: 'ST-A', ...around(180, 50), heading_deg: 0, fov_deg: 90, range_m: 100, owner_name: 'Xã Phường 5', owner_phone: '0272000000' },
        // 100 m east of P, registered looking east (away); turned west at 10:00.
        { code: 'ST-B', ...around(90, 100), heading_deg: 90, fov_deg: 60, range_m: 150 },
        // 200 m north, looking south, but its range stops short of P.
        {
          code: 'CZ-C',
          ownership: 'citizen',
          ...around(0, 200),
          heading_deg: 180,
          fov_deg: 90,
          range_m: 150,
          owner_name: 'Nguyễn Văn A',
          owner_phone: '0909123456',
        },
        // Outside the 300 m radius.
        { code: 'BZ-D', ownership: 'business', ...around(45, 500), heading_deg: 225, range_m: 600, owner_name: 'Cty B', owner_phone: '0909000001' },
        // Retired before the searched day, and registered after it.
        { code: 'HH-E', ownership: 'household', ...around(270, 30), heading_deg: 90, retired_on: '2025-02-01' },
        { code: 'CZ-F', ownership: 'citizen', ...around(270, 40), heading_deg: 90, registered_on: '2025-03-02' },
      ]);
      const a = ids.get('ST-A')!;
      const b = ids.get('ST-B')!;
      await db.dataSource.query(
        `INSERT INTO status_event (subject, subject_id, at, status, source) VALUES
           ('camera', $1, '2025-03-01T08:00:00Z', 'online', 'onvif'),
           ('camera', $1, '2025-03-01T11:00:00Z', 'offline', 'onvif'),
           ('station', $1, '2025-03-01T09:00:00Z', 'offline', 'mqtt'),
           ('camera', $2, '2025-03-01T09:30:00Z', 'degraded', 'onvif')`,
        [a, b],
      );
      await db.dataSource.query(`INSERT INTO orientation_event (camera_id, at, heading_deg, source) VALUES ($1, '2025-03-01T10:00:00Z', 270, 'onvif')`, [b]);
    });
  });
  afterAll(() => t?.close());

  type Role = 'police' | 'admin' | 'technician' | 'planner';
  /** A search as the role makes it, naming a case unless the query says otherwise. */
  const get = async (role: Role, query: Record<string, string | number>, path = 'near') => getRaw(role, { case_ref: 'VV-TEST', ...query }, path);
  const getRaw = async (role: Role, query: Record<string, string | number>, path = 'near') =>
    request(t.url)
      .get(`/api/search/${path}`)
      .query(query)
      .set('Authorization', `Bearer ${await t.token(role)}`);

  it('lists the cameras in the radius nearest first, with sees_point, status_at and heading_at at the time', async () => {
    const res = await get('admin', { lat: P.lat, lon: P.lon, radius_m: 300, at: '2025-03-01T10:30:00Z' });
    expect(res.status).toBe(200);
    expect(res.body.at).toBe('2025-03-01T10:30:00.000Z');
    expect(res.body.point).toEqual(P);
    expect(res.body.radius_m).toBe(300);
    const cams = res.body.cameras;
    expect(cams.map((c: { code: string }) => c.code)).toEqual(['ST-A', 'ST-B', 'CZ-C']);
    expect(cams[0]).toMatchObject({ code: 'ST-A', ownership: 'station', sees_point: true, recorded: true, status_at: 'online', heading_at: 0, owner: null });
    expect(cams[0].distance_m).toBeCloseTo(50, 0);
    // Turned towards P at 10:00: seen at 10:30 through the orientation history.
    // Degraded with no recorded reason: whether it recorded is unknown.
    expect(cams[1]).toMatchObject({ code: 'ST-B', sees_point: true, recorded: null, status_at: 'degraded', heading_at: 270 });
    expect(cams[2]).toMatchObject({
      code: 'CZ-C',
      sees_point: false,
      recorded: false,
      status_at: 'unknown',
      heading_at: 180,
      owner: { name: 'Nguyễn Văn A', phone: '0909123456' },
    });
    expect(res.body.counts).toEqual({ cameras: 3, sees_point: 2, recorded: 1, not_recorded: 0, unknown: 1 });
    expect(res.body.at_local).toBe('2025-03-01T17:30:00+07:00');
    expect(res.body.case_ref).toBe('VV-TEST');
  });

  it('refuses a search without case_ref for every role, audited as refused, and shows police the owners with one', async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log`);
    for (const role of ['police', 'admin'] as const) {
      for (const caseRef of [undefined, '   ']) {
        const refused = await getRaw(role, { lat: P.lat, lon: P.lon, radius_m: 300, ...(caseRef === undefined ? {} : { case_ref: caseRef }) });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: 'case_ref_required', params: { field: 'case_ref' } });
        expect(refused.body.message).toMatch(/case_ref is required/);
      }
    }
    // A police read refused is audited as refused, with its status (the audit interceptor).
    const refusals = await t.db.dataSource.query(`SELECT role, action, outcome, status FROM audit_log ORDER BY id`);
    expect(refusals.filter((r: { role: string }) => r.role === 'police')).toEqual([
      { role: 'police', action: 'get /api/search/near', outcome: 'refused', status: 400 },
      { role: 'police', action: 'get /api/search/near', outcome: 'refused', status: 400 },
    ]);
    const ok = await get('police', { lat: P.lat, lon: P.lon, radius_m: 300, case_ref: 'VV-2025-0142' });
    expect(ok.status).toBe(200);
    expect(ok.body.cameras.find((c: { code: string }) => c.code === 'CZ-C').owner).toEqual({ name: 'Nguyễn Văn A', phone: '0909123456' });
  });

  it('is closed to technicians and planners', async () => {
    expect((await get('technician', { lat: P.lat, lon: P.lon, radius_m: 300 })).status).toBe(403);
    expect((await get('planner', { lat: P.lat, lon: P.lon, radius_m: 300 })).status).toBe(403);
  });

  it('validates the query with messages that name the field', async () => {
    const cases: [Record<string, string | number>, RegExp][] = [
      [{ lat: 91, lon: P.lon, radius_m: 300 }, /lat must be between -90 and 90, got 91/],
      [{ lat: P.lat, lon: -181, radius_m: 300 }, /lon must be between -180 and 180/],
      [{ lat: P.lat, lon: P.lon, radius_m: 0 }, /radius_m must be between 1 and 5000 m/],
      [{ lat: P.lat, lon: P.lon, radius_m: 5001 }, /radius_m must be between 1 and 5000 m/],
      [{ lat: 'abc', lon: P.lon, radius_m: 300 }, /lat must be a number/],
      [{ lat: P.lat, lon: P.lon, radius_m: 300, at: 'yesterday' }, /at must be an ISO 8601 date-time/],
      [{ lat: P.lat, lon: P.lon, radius_m: 300, at: '2025-03-01T12:02:00Z' }, /at must not lie in the future/],
    ];
    for (const [query, message] of cases) {
      const res = await get('admin', query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.message).toMatch(message);
    }
    // Within the minute of slack, a little ahead of the server's clock is fine.
    expect((await get('admin', { lat: P.lat, lon: P.lon, radius_m: 300, at: '2025-03-01T12:00:30Z' })).status).toBe(200);
  });

  it('writes every search to the audit log with its parameters, once, for every role', async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log`);
    await get('police', { lat: P.lat, lon: P.lon, radius_m: 250, at: '2025-03-01T10:30:00Z', case_ref: 'VV-7' });
    await get('admin', { lat: P.lat, lon: P.lon, radius_m: 120, case_ref: 'VV-9' });
    const rows = await t.db.dataSource.query(`SELECT role, action, params FROM audit_log ORDER BY id`);
    expect(rows).toEqual([
      {
        role: 'police',
        action: 'search.near',
        params: { lat: P.lat, lon: P.lon, radius_m: 250, at: '2025-03-01T10:30:00.000Z', case_ref: 'VV-7', results: 3, recorded: 1 },
      },
      {
        role: 'admin',
        action: 'search.near',
        params: { lat: P.lat, lon: P.lon, radius_m: 120, at: '2025-03-01T12:00:00.000Z', case_ref: 'VV-9', results: 2, recorded: 0 },
      },
    ]);
  });

  it('exports the search as CSV for the case file, audited as search.near.export', async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log`);
    const res = await get('police', { lat: P.lat, lon: P.lon, radius_m: 300, at: '2025-03-01T10:30:00Z', case_ref: 'VV-8' }, 'near.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    // UTF-8 with a byte-order mark, so Excel shows Vietnamese names as they are.
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const lines = res.text.slice(1).split('\r\n');
    // The case's particulars as ordinary two-cell rows, a blank row, then the table.
    expect(lines.slice(0, 4)).toEqual([
      'camnet incident search,',
      'case_ref,VV-8',
      'at (Long An time UTC+7),2025-03-01T17:30:00+07:00',
      'at (UTC),2025-03-01T10:30:00.000Z',
    ]);
    expect(lines).toEqual(expect.arrayContaining([`lat,${P.lat}`, `lon,${P.lon}`, 'radius_m,300', 'searched by,test police (police)']));
    expect(lines).toContain('cameras / likely recorded / not recording / unknown,3 / 1 / 0 / 1');
    const blank = lines.indexOf('');
    expect(lines[blank + 1]).toBe(
      'code,ownership,lat,lon,distance_m,sees_point,recorded,status_at,heading_at,fov_deg,range_m,owner_name,owner_phone,unknown_reason',
    );
    const table = lines.slice(blank + 2, -1);
    expect(table.map((l) => l.split(',')[0])).toEqual(['ST-A', 'ST-B', 'CZ-C']);
    expect(table[1]).toMatch(/,true,unknown,degraded,270,/);
    expect(table[1]).toMatch(/,video_unknown$/); // recorded unknown: it answered, its video state unknown
    expect(table[2]).toMatch(/,false,false,unknown,180,90,150,Nguyễn Văn A,0909123456,$/);
    const rows = await t.db.dataSource.query(`SELECT action, params FROM audit_log`);
    expect(rows).toEqual([{ action: 'search.near.export', params: expect.objectContaining({ case_ref: 'VV-8', results: 3 }) }]);
    expect((await getRaw('police', { lat: P.lat, lon: P.lon, radius_m: 300 }, 'near.csv')).status).toBe(400);
  });

  it('neutralises a case reference that would run as a formula, and refuses one with a line break', async () => {
    const res = await get('police', { lat: P.lat, lon: P.lon, radius_m: 300, case_ref: '=HYPERLINK("x"),VV-1' }, 'near.csv');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`case_ref,"'=HYPERLINK(""x""),VV-1"\r\n`);
    expect((await get('police', { lat: P.lat, lon: P.lon, radius_m: 300, case_ref: 'VV-1\n=1+1' }, 'near.csv')).status).toBe(400);
  });

  it('answers 400 for a point whose search circle lies outside the province', async () => {
    // A square province about 11 km across around P.
    const square = [
      [
        [P.lon - 0.05, P.lat - 0.05],
        [P.lon + 0.05, P.lat - 0.05],
        [P.lon + 0.05, P.lat + 0.05],
        [P.lon - 0.05, P.lat + 0.05],
        [P.lon - 0.05, P.lat - 0.05],
      ],
    ];
    await t.db.dataSource.query(`INSERT INTO admin_unit (layout, code, name, level, boundary) VALUES ('2019', '80', 'Tỉnh Long An', 'province', $1)`, [
      JSON.stringify({ type: 'Polygon', coordinates: square }),
    ]);
    try {
      await t.app.get(SearchService).refresh();
      const far = await get('admin', { lat: P.lat, lon: P.lon + 0.2, radius_m: 300 });
      expect(far.status).toBe(400);
      expect(far.body.code).toBe('point_outside_province');
      expect(far.body.message).toMatch(/outside Long An province/);
      expect(far.body.params.distance_m).toBeGreaterThan(16000);
      // Just across the border, with a circle reaching back in: searched.
      const nearBorder = destinationPoint(P.lat, P.lon + 0.05, 90, 100);
      expect((await get('admin', { ...nearBorder, radius_m: 300 })).status).toBe(200);
      expect((await get('admin', { ...nearBorder, radius_m: 50 })).status).toBe(400);
      expect((await get('admin', { lat: P.lat, lon: P.lon, radius_m: 300 })).status).toBe(200);
    } finally {
      await t.db.dataSource.query(`DELETE FROM admin_unit WHERE level = 'province'`);
      await t.app.get(SearchService).refresh();
    }
  });

  it('sees cameras added after start once the index is refreshed', async () => {
    await insertCameras(t.db, [{ code: 'ST-G', ...around(0, 10), heading_deg: 180 }]);
    await t.app.get(SearchService).refresh();
    const res = await get('admin', { lat: P.lat, lon: P.lon, radius_m: 300 });
    expect(res.body.cameras[0]).toMatchObject({ code: 'ST-G', sees_point: true });
  });
});
