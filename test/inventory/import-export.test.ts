import { startTestCamnet, TestCamnet } from '../support/camnet';

const HEADER =
  'code,ownership,station_code,commune_code,lat,lon,heading_deg,fov_deg,range_m,ptz,onvif_url,onvif_user,onvif_password,vendor,model,owner_name,owner_phone,registered_on';
const row = (code: string, overrides: Partial<Record<string, string>> = {}) => {
  const r: Record<string, string> = {
    code,
    ownership: 'business',
    station_code: '',
    commune_code: '27685',
    lat: '10.5431',
    lon: '106.4072',
    heading_deg: '45',
    fov_deg: '90',
    range_m: '30',
    ptz: 'false',
    onvif_url: '',
    onvif_user: '',
    onvif_password: '',
    vendor: 'Dahua',
    model: 'IPC-HFW',
    owner_name: 'Cửa hàng A',
    owner_phone: '0901234567',
    registered_on: '2022-03-01',
    ...overrides,
  };
  return HEADER.split(',')
    .map((h) => r[h])
    .join(',');
};
const csv = (...rows: string[]) => Buffer.from([HEADER, ...rows].join('\n') + '\n');

describe('import and export', () => {
  let t: TestCamnet;
  beforeAll(async () => {
    t = await startTestCamnet({ seed: true });
  });
  afterAll(() => t?.close());

  const count = async (like: string) => (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM camera WHERE code LIKE $1`, [like]))[0].n;
  const upload = (file: Buffer, name: string, query = '') => t.as('admin').post(`/api/import${query}`).attach('file', file, name);

  it('a dry run validates and counts but writes nothing', async () => {
    const res = await upload(csv(row('BUS-IMP-1'), row('BUS-IMP-2')), 'cams.csv', '?dry_run=true').expect(201);
    expect(res.body).toEqual({ dry_run: true, format: 'csv', rows: 2, created: 2, updated: 0 });
    expect(await count('BUS-IMP-%')).toBe(0);
  });

  it('imports all rows of a good file, encrypting passwords', async () => {
    const res = await upload(
      csv(row('BUS-IMP-1'), row('BUS-IMP-2', { onvif_url: 'http://10.0.0.9/onvif/device_service', onvif_user: 'u', onvif_password: 'secret-9' })),
      'cams.csv',
    ).expect(201);
    expect(res.body).toMatchObject({ dry_run: false, rows: 2, created: 2, updated: 0 });
    expect(await count('BUS-IMP-%')).toBe(2);
    const [r] = await t.db.dataSource.query(`SELECT onvif_secret_enc FROM camera WHERE code = 'BUS-IMP-2'`);
    expect(r.onvif_secret_enc).toMatch(/^v1:/);
    const audit = await t.as('admin').get('/api/audit?action=import.apply&limit=5').expect(200);
    expect(audit.body.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses the whole file when some rows are bad, naming every bad row and field', async () => {
    const file = csv(
      row('BUS-IMP-3'),
      row('BUS-IMP-4', { lat: '123.4' }),
      row('BUS-IMP-5', { commune_code: '99999', heading_deg: 'north' }),
      row('BUS-IMP-3'),
      row('BUS-IMP-6', { ownership: 'station', station_code: 'ST-NOPE' }),
    );
    const res = await upload(file, 'cams.csv').expect(400);
    expect(res.body.message).toMatch(/nothing was imported/);
    const byRow = res.body.errors.map((e: { row: number; field: string }) => `${e.row}:${e.field}`);
    expect(byRow).toEqual(expect.arrayContaining(['2:lat', '3:heading_deg']));
    expect(await count('BUS-IMP-3')).toBe(0); // the good first row did not land either
    // Rows that pass the field checks are then checked against the database, all at once.
    const refs = await upload(
      csv(
        row('BUS-IMP-3'),
        row('BUS-IMP-5', { commune_code: '99999' }),
        row('BUS-IMP-3'),
        row('BUS-IMP-6', { ownership: 'station', station_code: 'ST-NOPE', owner_name: '', owner_phone: '' }),
      ),
      'c.csv',
    ).expect(400);
    expect(refs.body.errors).toEqual(
      expect.arrayContaining([
        { row: 2, field: 'commune_code', reason: 'unknown commune code 99999 (2019 layout)' },
        { row: 3, field: 'code', reason: 'code BUS-IMP-3 appears again (first on row 1)' },
        { row: 4, field: 'station_code', reason: 'unknown station code ST-NOPE' },
      ]),
    );
    expect(await count('BUS-IMP-%')).toBe(2);
  });

  it('refuses files that are not what they claim, with a clear message', async () => {
    const unknownColumn = await upload(Buffer.from('code,colour\nX,red\n'), 'x.csv').expect(400);
    expect(unknownColumn.body.message).toMatch(/unknown column colour/);
    const notJson = await upload(Buffer.from('{"type": "FeatureCollection", '), 'x.geojson').expect(400);
    expect(notJson.body.message).toMatch(/not valid JSON/);
    const ragged = await upload(Buffer.from(`${HEADER}\nA,B\n`), 'x.csv').expect(400);
    expect(ragged.body.message).toMatch(/not valid CSV/);
    const nofile = await t.as('admin').post('/api/import').expect(400);
    expect(nofile.body.message).toMatch(/multipart field "file"/);
  });

  it('imports GeoJSON', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [106.41, 10.54] },
          properties: { code: 'HH-IMP-1', ownership: 'household', commune_code: '27685', heading_deg: 10, fov_deg: 80, range_m: 20 },
        },
      ],
    };
    const res = await upload(Buffer.from(JSON.stringify(fc)), 'c.geojson').expect(201);
    expect(res.body).toMatchObject({ format: 'geojson', created: 1 });
  });

  it('exports every camera without secrets, and the export re-imports cleanly', async () => {
    const asPlanner = await t.as('planner').get('/api/export/cameras.csv').expect(200);
    expect(asPlanner.headers['content-type']).toMatch(/text\/csv/);
    const lines = asPlanner.text.trim().split(/\r\n/);
    expect(lines.length - 1).toBe(1696); // station cameras only: private ones are police's and admin's
    expect(lines[0].split(',')).not.toContain('onvif_password');
    expect(asPlanner.text).not.toMatch(/v1:/);
    const ownerPhone = lines[0].split(',').indexOf('owner_phone');
    expect(lines.slice(1).every((l) => l.split(',')[ownerPhone] === '')).toBe(true);

    const asAdmin = await t.as('admin').get('/api/export/cameras.csv').expect(200);
    const [{ secrets }] = await t.db.dataSource.query(`SELECT count(onvif_secret_enc)::int AS secrets FROM camera`);
    const res = await upload(Buffer.from(asAdmin.text), 'export.csv').expect(201);
    expect(res.body).toMatchObject({ rows: 24612, created: 0, updated: 24612 });
    const [after] = await t.db.dataSource.query(`SELECT count(onvif_secret_enc)::int AS secrets FROM camera`);
    expect(after.secrets).toBe(secrets); // passwords kept although the export carries none

    const geo = await t.as('admin').get('/api/export/cameras.geojson').expect(200);
    expect(geo.body.features).toHaveLength(24612);
    expect(geo.body.features[0].properties).not.toHaveProperty('onvif_password');
    const again = await upload(Buffer.from(JSON.stringify(geo.body)), 'export.geojson').expect(201);
    expect(again.body).toMatchObject({ created: 0, updated: 24612 });
  });
});
