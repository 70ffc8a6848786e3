/**
 * Private cameras (citizens', businesses', households') reach technicians and
 * planners only as counts and coverage shares. Every GET route of the OpenAPI
 * document is crawled as both roles, with every query parameter it takes set to
 * its widest value and aimed at a few private cameras with distinctive
 * positions and owners; no body may place or name them. A route this test has
 * no rule for fails it, so a new route cannot slip past.
 */
import * as http from 'node:http';
import { EventBus } from '../../src/common/event-bus';
import { startTestCamnet, TestCamnet } from '../support/camnet';

/** What technicians and planners get from each GET route; README "Who sees private cameras" says the same. */
const RULES: Record<string, string> = {
  'GET /api/cameras': 'station cameras only (every view)',
  'GET /api/cameras/{code}': 'a private camera is 404',
  'GET /api/cameras/{code}/status': 'a private camera is 404',
  'GET /api/cameras/{code}/history': 'a private camera is 404',
  'GET /api/cameras/{code}/view': 'refused to planners; a private camera is 404 (technicians)',
  'GET /api/cameras/{code}/view/current.jpg': 'refused to planners; a private camera is 404 (technicians)',
  'GET /api/cameras/{code}/view/reference.jpg': 'refused to planners; a private camera is 404 (technicians)',
  'GET /api/export/cameras.csv': 'station cameras only',
  'GET /api/export/cameras.geojson': 'station cameras only',
  'GET /api/events': 'station cameras and stations only (tested below, it is a stream)',
  'GET /api/summary': 'counts',
  'GET /api/admin-units': 'no cameras',
  'GET /api/communes/{code}': 'counts',
  'GET /api/routes': 'no cameras',
  'GET /api/road-signs': 'no cameras',
  'GET /api/map-config': 'no cameras',
  'GET /api/stations': 'stations, camera counts',
  'GET /api/stations/{code}': 'a station and its cameras',
  'GET /api/coverage/routes': 'coverage shares',
  'GET /api/coverage/communes': 'counts and coverage shares',
  'GET /api/planning/uncovered-communes': 'counts',
  'GET /api/planning/gaps': 'coverage gaps',
  'GET /api/uptime': 'availability figures (by code: no position or owner)',
  'GET /api/alerts': 'alerts about stations and station cameras only',
  'GET /api/alerts/assignees': 'people who work alerts (login, name, role, scope): no cameras',
  'GET /api/maintenance-windows': 'windows (scopes by code)',
  'GET /api/search/near': 'refused (police and admin)',
  'GET /api/search/near.csv': 'refused (police and admin)',
  'GET /api/tokens': 'refused (admin)',
  'GET /api/audit': 'refused (admin)',
  'GET /api/whoami': 'the caller',
  'GET /api/auth/methods': 'how to sign in',
  'GET /api/auth/oidc/login': 'a redirect to the identity provider (none configured here)',
  'GET /api/auth/oidc/callback': "the identity provider's answer",
  'GET /api/users': 'refused (admin)',
  'GET /api/coverage/network': 'coverage shares',
  'GET /api/inventory/drift': 'station cameras whose device disagrees with the inventory',
  'GET /api/uptime/series': 'availability figures',
  'GET /api/uptime/breakdown': 'availability per place (monitored cameras only)',
  'GET /api/uptime/breakdown.csv': 'availability per place (monitored cameras only)',
  'GET /api/uptime/breakdown.xlsx': 'availability per place, a workbook (binary: searched as text anyway)',
  'GET /api/alerts/{id}': "an alert about a station or a station camera; a private camera's is 404",
  'GET /api/map/base': 'boundaries, routes, road signs: no cameras',
  'GET /api/map/private-cameras': 'refused (police and admin)',
  'GET /api/incidents': 'what is down: stations and station cameras only',
  'GET /api/incidents.csv': 'what is down: stations and station cameras only',
  'GET /healthz': 'no data',
  'GET /readyz': 'no data',
  'GET /metrics': 'counts',
};

const SECRET = [
  { code: 'CIT-PRIV-1', ownership: 'citizen', lat: 10.5434567, lon: 106.4076543, owner_name: 'Trần Thị Kín Đáo', owner_phone: '0911000111' },
  { code: 'BUS-PRIV-1', ownership: 'business', lat: 10.5439876, lon: 106.4071234, owner_name: 'Cửa hàng Bí Mật', owner_phone: '+84911000222' },
  { code: 'HH-PRIV-1', ownership: 'household', lat: 10.5431112, lon: 106.4078889, owner_name: '=HYPERLINK("http://x")', owner_phone: '0911000333' },
];
const COMMUNE = '27685';
const NEEDLES = SECRET.flatMap((c) => [c.code, String(c.lat), String(c.lon), c.owner_name, c.owner_phone]);
/** The seed's private cameras are coded CIT-, BUS- and HH- with five digits. */
const SEEDED_PRIVATE_CODE = /\b(CIT|BUS|HH)-\d{5}\b/;

let t: TestCamnet;
let stationCode: string;
let stationCamera: string;

beforeAll(async () => {
  t = await startTestCamnet({ seed: true });
  for (const c of SECRET) {
    await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...c, commune_code: COMMUNE, heading_deg: 90, fov_deg: 90, range_m: 40 })
      .expect(201);
  }
  const st = await t.as('admin').get(`/api/cameras?ownership=station&commune=${COMMUNE}&limit=1`).expect(200);
  stationCamera = st.body.items[0].code;
  stationCode = st.body.items[0].station_code;
}, 120_000);
afterAll(() => t?.close());

/** The value a crawl gives each query parameter: the widest answer, aimed at the private cameras above. */
function queryValue(name: string, schema: { maximum?: number; enum?: string[] }): string | undefined {
  const bbox = '106.4,10.54,106.41,10.545';
  const values: Record<string, string> = {
    view: 'full',
    limit: String(schema.maximum ?? 1000),
    ownership: 'citizen,business,household',
    status: 'online,degraded,offline,maintenance,unknown',
    bbox,
    commune: COMMUNE,
    district: '803',
    station: stationCode,
    retired: 'true',
    layout: '2019',
    level: 'commune',
    parent: '803',
    scope: 'camera',
    by: 'camera',
    reason: '',
    zoom: '17',
    sort: 'since',
    order: 'desc',
    offset: '0',
    subject: 'camera:CIT-PRIV-1',
    assignee: '',
    code: 'CIT-PRIV-1',
    slot: 'day',
    from: '2020-01-01T00:00:00Z',
    to: '2030-01-01T00:00:00Z',
    state: 'open',
    active: 'false',
    min_gap_m: '1',
    action: 'camera.read',
    case_ref: 'VV-1',
    lat: '10.5434567',
    lon: '106.4076543',
    radius_m: '500',
    at: '2026-01-01T00:00:00Z',
    cursor: '',
  };
  return name in values ? values[name] : undefined;
}

describe('what technicians and planners get from every GET route', () => {
  it('the rules name every GET route of the OpenAPI document, and no route leaks a private camera', async () => {
    const doc = (await t.as('admin').get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: { maximum?: number; enum?: string[] } }[] }>>;
    };
    const routes = Object.entries(doc.paths)
      .filter(([, ops]) => ops.get)
      .map(([path, ops]) => ({ path, op: ops.get }));
    const unruled = routes.map((r) => `GET ${r.path}`).filter((r) => !(r in RULES));
    expect(unruled).toEqual([]);
    expect(Object.keys(RULES).filter((r) => !routes.some((x) => `GET ${x.path}` === r))).toEqual([]);

    const leaks: string[] = [];
    let requests = 0;
    for (const { path, op } of routes) {
      if (path === '/api/events') continue;
      const params = op.parameters ?? [];
      const unknown = params.filter((p) => p.in === 'query' && queryValue(p.name, p.schema ?? {}) === undefined).map((p) => p.name);
      expect({ path, unknown }).toEqual({ path, unknown: [] });
      const wide = params
        .filter((p) => p.in === 'query')
        .map((p) => [p.name, queryValue(p.name, p.schema ?? {})!] as const)
        .filter(([, v]) => v !== '');
      const queries = ['', '?' + new URLSearchParams(wide as [string, string][]).toString(), '?view=map&limit=25000'];
      // Each path parameter is tried as a private camera, a station camera, a station and a commune.
      const fills = path.includes('{') ? ['CIT-PRIV-1', 'HH-PRIV-1', stationCamera, stationCode, COMMUNE] : [null];
      for (const fill of fills) {
        const url = fill === null ? path : path.replace(/\{[^}]+\}/g, encodeURIComponent(fill));
        for (const query of queries) {
          for (const role of ['technician', 'planner'] as const) {
            const res = await t
              .as(role)
              .get(url + query)
              .buffer(true)
              .parse((r, cb) => {
                let text = '';
                r.setEncoding('utf8');
                r.on('data', (d: string) => (text += d));
                r.on('end', () => cb(null, text));
              });
            requests++;
            const body = String(res.body);
            if (res.status >= 500) leaks.push(`${role} ${url}${query}: ${res.status}`);
            // A code the caller sent may come back in "no camera with code …"; anything else it did not send is a leak.
            for (const n of NEEDLES) if (body.includes(n) && !(url + query).includes(n)) leaks.push(`${role} ${url}${query}: ${n}`);
            if (fill !== null && SECRET.some((c) => c.code === fill) && path.startsWith('/api/cameras/') && res.status < 300) {
              leaks.push(`${role} ${url}${query}: answered ${res.status} about a private camera`);
            }
            const seeded = body.match(SEEDED_PRIVATE_CODE);
            if (seeded) leaks.push(`${role} ${url}${query}: ${seeded[0]}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(requests).toBeGreaterThan(150);
  }, 240_000);

  it('the map view, once the whole province for every role, gives technicians and planners the station cameras only', async () => {
    for (const role of ['technician', 'planner'] as const) {
      const res = await t.as(role).get('/api/cameras?view=map&limit=25000').expect(200);
      expect(res.body.rows).toHaveLength(1696);
    }
    const police = await t.as('police').get('/api/cameras?view=map&limit=25000').expect(200);
    expect(police.body.rows).toHaveLength(24609 + SECRET.length);
    await t.as('police').get('/api/cameras/CIT-PRIV-1').expect(200);
    const missing = await t.as('technician').get('/api/cameras/CIT-PRIV-1').expect(404);
    expect(missing.body.message).toBe('no camera with code CIT-PRIV-1');
  });

  it("refuses a technician's write to a private camera, and changes nothing", async () => {
    const before = await t.db.dataSource.query(`SELECT lat, owner_name, retired_on FROM camera WHERE code = 'CIT-PRIV-1'`);
    await t.as('technician').patch('/api/cameras/CIT-PRIV-1').send({ heading_deg: 10 }).expect(404);
    await t.as('technician').delete('/api/cameras/CIT-PRIV-1').expect(404);
    await t.as('technician').post('/api/cameras/CIT-PRIV-1/check').expect(404);
    for (const path of ['view', 'view/current.jpg', 'view/reference.jpg']) {
      const view = await t.as('technician').get(`/api/cameras/CIT-PRIV-1/${path}`).expect(404);
      expect(view.body.message).toBe('no camera with code CIT-PRIV-1');
      await t.as('planner').get(`/api/cameras/CIT-PRIV-1/${path}`).expect(403);
    }
    await t.as('technician').post('/api/cameras/CIT-PRIV-1/view/check').expect(404);
    await t.as('technician').post('/api/cameras/CIT-PRIV-1/view/reference').expect(404);
    // Police and admin see the camera, but camnet never fetches a private camera's picture.
    await t.as('police').get('/api/cameras/CIT-PRIV-1/view/current.jpg').expect(403);
    const create = await t
      .as('technician')
      .post('/api/cameras')
      .send({ ...SECRET[0], code: 'CIT-PRIV-2', commune_code: COMMUNE, heading_deg: 0, fov_deg: 90, range_m: 40 })
      .expect(403);
    expect(create.body.message).toMatch(/private cameras .* are registered by an admin/);
    await t.as('technician').patch(`/api/cameras/${stationCamera}`).send({ ownership: 'citizen' }).expect(403);
    expect(await t.db.dataSource.query(`SELECT lat, owner_name, retired_on FROM camera WHERE code = 'CIT-PRIV-1'`)).toEqual(before);
    expect(await t.db.dataSource.query(`SELECT code FROM camera WHERE code = 'CIT-PRIV-2'`)).toEqual([]);
  });
});

describe('exports', () => {
  const bbox = '106.4,10.54,106.41,10.545';

  it('police must name the case and the area; the export holds that area only, owners included, and is audited with the case', async () => {
    const noCase = await t.as('police').get('/api/export/cameras.csv').expect(400);
    expect(noCase.headers['content-type']).toMatch(/^application\/json/);
    expect(noCase.body.message).toMatch(/case_ref is required for a police export/);
    const noArea = await t.as('police').get('/api/export/cameras.csv?case_ref=VV-2026-7').expect(400);
    expect(noArea.body.message).toMatch(/limited to an area/);
    await t.as('police').get('/api/export/cameras.geojson?case_ref=VV-2026-7').expect(400);

    const res = await t.as('police').get(`/api/export/cameras.csv?case_ref=VV-2026-7&bbox=${bbox}`).expect(200);
    for (const c of SECRET) expect(res.text).toContain(c.code);
    expect(res.text).toContain('Trần Thị Kín Đáo');
    const [minLon, minLat, maxLon, maxLat] = bbox.split(',').map(Number);
    const lines = res.text.trim().split('\r\n');
    const header = lines[0].split(',');
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const lat = Number(cells[header.indexOf('lat')]);
      const lon = Number(cells[header.indexOf('lon')]);
      expect(lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon).toBe(true);
    }
    const geo = await t.as('police').get(`/api/export/cameras.geojson?case_ref=VV-2026-7&commune=${COMMUNE}`).expect(200);
    expect(geo.body.features.every((f: { properties: { commune_code: string } }) => f.properties.commune_code === COMMUNE)).toBe(true);
    expect(geo.body.features.some((f: { properties: { owner_phone: string } }) => f.properties.owner_phone === '0911000111')).toBe(true);

    const audit = await t.as('admin').get('/api/audit?action=export.cameras&limit=10').expect(200);
    expect(JSON.stringify(audit.body)).toContain('VV-2026-7');
  });

  it('admin exports every camera; technicians and planners the station cameras, without owners', async () => {
    const admin = await t.as('admin').get('/api/export/cameras.geojson').expect(200);
    expect(admin.body.features).toHaveLength(24609 + SECRET.length);
    for (const role of ['technician', 'planner'] as const) {
      const csv = await t.as(role).get('/api/export/cameras.csv').expect(200);
      expect(csv.text.trim().split('\r\n')).toHaveLength(1 + 1696);
      const geo = await t.as(role).get('/api/export/cameras.geojson').expect(200);
      expect(geo.body.features.every((f: { properties: { ownership: string } }) => f.properties.ownership === 'station')).toBe(true);
    }
  });

  it('writes an owner name that starts a formula as text, and the export re-imports it unchanged', async () => {
    const res = await t.as('admin').get(`/api/export/cameras.csv?bbox=${bbox}`).expect(200);
    const line = res.text.split('\r\n').find((l) => l.startsWith('HH-PRIV-1,'))!;
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    const bus = res.text.split('\r\n').find((l) => l.startsWith('BUS-PRIV-1,'))!;
    expect(bus).toContain(",'+84911000222,");
    // No cell of the file starts a formula.
    expect(
      res.text
        .split('\r\n')
        .flatMap((l) => l.split(','))
        .filter((c) => /^"?[=+\-@\t\r]/.test(c)),
    ).toEqual([]);
    const subset = [res.text.split('\r\n')[0], line, bus].join('\r\n') + '\r\n';
    await t.as('admin').post('/api/import').attach('file', Buffer.from(subset), 'x.csv').expect(201);
    const rows = await t.db.dataSource.query(`SELECT code, owner_name, owner_phone FROM camera WHERE code IN ('HH-PRIV-1', 'BUS-PRIV-1') ORDER BY code`);
    expect(rows).toEqual([
      { code: 'BUS-PRIV-1', owner_name: 'Cửa hàng Bí Mật', owner_phone: '+84911000222' },
      { code: 'HH-PRIV-1', owner_name: '=HYPERLINK("http://x")', owner_phone: '0911000333' },
    ]);
  });
});

describe('the live event stream', () => {
  /** Opens /api/events as `role` and collects the named events until closed. */
  function listen(role: 'technician' | 'planner' | 'police'): Promise<{ events: string[]; close(): void }> {
    return new Promise((resolve, reject) => {
      const events: string[] = [];
      const req = http.get(`${t.url}/api/events`, { headers: { authorization: `Bearer ${t.tokens[role]}`, accept: 'text/event-stream' } }, (res) => {
        res.setEncoding('utf8');
        let buffered = '';
        res.on('data', (chunk: string) => {
          buffered += chunk;
          const blocks = buffered.split('\n\n');
          buffered = blocks.pop()!;
          for (const b of blocks) {
            const data = b.split('\n').find((l) => l.startsWith('data: '));
            if (data && !b.startsWith(':')) events.push(data.slice(6));
          }
          if (buffered === '' || events.length >= 0) resolve({ events, close: () => req.destroy() });
        });
      });
      req.on('error', (err) => (err.message.includes('aborted') || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    });
  }

  it('tells technicians and planners of station cameras only; police hear of private cameras too', async () => {
    const streams = { technician: await listen('technician'), planner: await listen('planner'), police: await listen('police') };
    const bus = t.camnet.app.get(EventBus);
    const at = new Date();
    // Give the stream's station-camera list time to load, then speak of a private camera, then of a station camera.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !streams.technician.events.some((e) => e.includes(stationCamera))) {
      bus.emit('status.changed', { subject: 'camera', id: 1, code: 'CIT-PRIV-1', status: 'offline', previous: 'online', at, reason: 'timeout' });
      bus.emit('alert.changed', { id: 1, kind: 'offline', subject: 'camera:HH-PRIV-1', state: 'open', at });
      bus.emit('status.changed', { subject: 'camera', id: 2, code: stationCamera, status: 'offline', previous: 'online', at, reason: 'timeout' });
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const role of ['technician', 'planner'] as const) {
      const got = streams[role].events.join('\n');
      expect(got).toContain(stationCamera);
      expect(got).not.toContain('CIT-PRIV-1');
      expect(got).not.toContain('HH-PRIV-1');
    }
    expect(streams.police.events.join('\n')).toContain('CIT-PRIV-1');
    expect(streams.police.events.join('\n')).toContain('camera:HH-PRIV-1');
    for (const s of Object.values(streams)) s.close();
  }, 60_000);
});
