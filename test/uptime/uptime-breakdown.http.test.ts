import ExcelJS from 'exceljs';
import { ManualClock } from '../../src/common/clock';
import { UTF8_BOM } from '../../src/common/csv-safe';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from '../console/console.fixtures';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const H = 3_600_000;

describe('uptime reports: monitored cameras only, broken down, worst first, as CSV and Excel', () => {
  let t: TestCamnet;
  beforeAll(async () => {
    t = await startTestCamnet({ seed: false, clock: new ManualClock(T0 + 48 * H) });
    await loadConsoleFixtures(t.db.dataSource);
    const ev = (code: string, at: number, status: string) =>
      t.db.dataSource.query(
        `INSERT INTO status_event (subject, subject_id, at, status, source) SELECT 'camera', id, $2, $3, 'onvif' FROM camera WHERE code = $1`,
        [code, new Date(at), status],
      );
    await ev('ST-A-C1', T0, 'online');
    await ev('ST-A-C1', T0 + 12 * H, 'offline');
    await ev('ST-A-C2', T0, 'online');
    await ev('CIT-1', T0, 'online');
    await ev('CIT-1', T0 + 6 * H, 'degraded');
  });
  afterAll(() => t?.close());
  const period = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 24 * H).toISOString()}`;

  it('leaves unmonitored private cameras out of a district’s uptime, and says how many', async () => {
    const res = await t.as('planner').get(`/api/uptime?scope=district&code=800&${period}`).expect(200);
    // ST-A-C1 12 h online of 24, ST-A-C2 24 of 24, CIT-1 6 of 24; ST-A-C3 never heard (unknown, not counted).
    expect(res.body).toMatchObject({ cameras: 4, unmonitored_left_out: 1, online_s: 42 * 3600, unknown_s: 24 * 3600, uptime_pct: 58.333 });
  });

  it('breaks the province down per camera and per district, the worst first', async () => {
    const cams = await t.as('technician').get(`/api/uptime/breakdown?by=camera&${period}`).expect(200);
    expect(cams.body).toMatchObject({ scope: 'province', cameras: 6, unmonitored_left_out: 1 });
    expect(cams.body.rows.map((r: any) => [r.code, r.uptime_pct])).toEqual([
      ['CIT-1', 25],
      ['ST-A-C1', 50],
      ['ST-A-C2', 100],
      ['ST-A-C3', null],
      ['ST-B-C1', null],
      ['ST-B-C2', null],
    ]);
    const districts = await t.as('technician').get(`/api/uptime/breakdown?by=district&${period}`).expect(200);
    expect(districts.body.rows.map((r: any) => [r.code, r.name, r.cameras, r.uptime_pct])).toEqual([
      ['800', 'Huyện Thử', 4, 58.333],
      ['801', 'Huyện Khác', 2, null],
    ]);
    const inStation = await t.as('technician').get(`/api/uptime/breakdown?by=camera&scope=station&code=ST-A&${period}`).expect(200);
    expect(inStation.body.rows.map((r: any) => r.code)).toEqual(['ST-A-C1', 'ST-A-C2', 'ST-A-C3']);
  });

  it('downloads the breakdown as CSV and as an Excel workbook', async () => {
    const text = (r: any, cb: any) => {
      let s = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (s += c));
      r.on('end', () => cb(null, s));
    };
    const csv = await t.as('planner').get(`/api/uptime/breakdown.csv?by=commune&${period}`).buffer(true).parse(text).expect(200);
    expect(csv.body.startsWith(UTF8_BOM + 'code,name,cameras,uptime_pct,')).toBe(true);
    expect(csv.body).toContain(`30002,"'=HYPERLINK(""http://evil"")",2,`);
    const binary = (r: any, cb: any) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    };
    const xlsx = await t.as('planner').get(`/api/uptime/breakdown.xlsx?by=camera&${period}`).buffer(true).parse(binary).expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'code',
      'name',
      'cameras',
      'uptime_pct',
      'online_s',
      'offline_s',
      'degraded_s',
      'maintenance_s',
      'unknown_s',
    ]);
    expect(sheet.getRow(2).getCell(1).value).toBe('CIT-1');
    expect(sheet.getRow(2).getCell(4).value).toBe(25);
    expect(wb.getWorksheet('report')!.getRow(6).values).toEqual([undefined, 'unmonitored cameras left out', 1]);
  });

  it('gives a daily series for the charts', async () => {
    const res = await t
      .as('technician')
      .get(`/api/uptime/series?scope=camera&code=ST-A-C1&from=${new Date(T0).toISOString()}&to=${new Date(T0 + 48 * H).toISOString()}`)
      .expect(200);
    expect(res.body.points).toEqual([
      { from: '2026-11-20T00:00:00.000Z', uptime_pct: 50 },
      { from: '2026-11-21T00:00:00.000Z', uptime_pct: 0 },
    ]);
  });

  it('refuses bad reports, naming the field', async () => {
    const by = await t.as('planner').get(`/api/uptime/breakdown?by=province`).expect(400);
    expect(by.body.errors[0].field).toBe('by');
    const half = await t.as('planner').get(`/api/uptime/breakdown?by=camera&scope=district`).expect(400);
    expect(half.body.errors[0].field).toBe('code');
    await t.as('planner').get(`/api/uptime/breakdown?by=camera&scope=district&code=999`).expect(404);
    await t.as('police').get(`/api/uptime/breakdown?by=camera`).expect(403);
  });
});
