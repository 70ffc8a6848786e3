import { ManualClock } from '../../src/common/clock';
import { UTF8_BOM } from '../../src/common/csv-safe';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures, T_DOWN } from './console.fixtures';

describe('GET /api/incidents: what is down now, and why', () => {
  let t: TestCamnet;
  beforeAll(async () => {
    t = await startTestCamnet({ seed: false, clock: new ManualClock(Date.parse('2026-12-01T12:00:00Z')) });
    await loadConsoleFixtures(t.db.dataSource);
  });
  afterAll(() => t?.close());

  it('lists every monitored camera and station not online, longest down first, each with one reason', async () => {
    const res = await t.as('admin').get('/api/incidents').expect(200);
    const rows = res.body.items.map((i: any) => [i.subject, i.code, i.status, i.reason.code]);
    expect(rows).toEqual([
      ['camera', 'ST-A-C1', 'offline', 'offline_timeout'],
      ['station', 'ST-B', 'offline', 'station_down'],
      ['camera', 'ST-B-C1', 'offline', 'station_down'],
      ['camera', 'ST-B-C2', 'offline', 'station_down'],
      ['camera', 'ST-A-C3', 'degraded', 'turned'],
      ['camera', 'CIT-1', 'degraded', 'clock_drift'],
    ]);
    expect(res.body.total).toBe(6);
    expect(res.body.counts).toEqual({ cameras: 5, stations: 1, by_reason: { offline_timeout: 1, station_down: 3, turned: 1, clock_drift: 1 } });
    const c1 = res.body.items.find((i: any) => i.code === 'ST-B-C1');
    expect(c1).toMatchObject({ since: T_DOWN, station_code: 'ST-B', district_code: '801', reason: { text: 'station ST-B down', station_code: 'ST-B' } });
    // A camera behind a downed station points to the station's alert.
    expect(c1.alert).toMatchObject({ kind: 'station_down', state: 'open' });
    expect(res.body.items.find((i: any) => i.code === 'ST-A-C3').reason.text).toBe('heading 200° instead of the registered 90°');
  });

  it('leaves private cameras out for technicians, in the list and the CSV', async () => {
    const res = await t.as('technician').get('/api/incidents').expect(200);
    expect(res.body.items.map((i: any) => i.code)).not.toContain('CIT-1');
    expect(res.body.total).toBe(5);
    expect(res.body.counts.cameras).toBe(4);
    const csv = await t.as('technician').get('/api/incidents.csv').expect(200);
    expect(csv.text).not.toContain('CIT-1');
    expect((await t.as('admin').get('/api/incidents.csv').expect(200)).text).toContain('CIT-1');
  });

  it('groups a page by station', async () => {
    const res = await t.as('admin').get('/api/incidents?sort=station').expect(200);
    const groups = res.body.groups.map((g: any) => [g.station_code, g.station?.code ?? null, g.cameras.map((c: any) => c.code)]);
    expect(groups).toEqual([
      ['ST-A', null, ['ST-A-C1', 'ST-A-C3']],
      ['ST-B', 'ST-B', ['ST-B-C1', 'ST-B-C2']],
      [null, null, ['CIT-1']],
    ]);
  });

  it('filters by reason, district, commune, station and subject, and pages', async () => {
    const codes = async (q: string) => (await t.as('admin').get(`/api/incidents?${q}`).expect(200)).body.items.map((i: any) => i.code);
    expect(await codes('reason=station_down&subject=camera')).toEqual(['ST-B-C1', 'ST-B-C2']);
    expect(await codes('district=800')).toEqual(['ST-A-C1', 'ST-A-C3', 'CIT-1']);
    expect(await codes('commune=30003')).toEqual(['CIT-1']);
    expect(await codes('station=ST-A&status=degraded')).toEqual(['ST-A-C3']);
    expect(await codes('sort=since&order=desc&limit=2')).toEqual(['CIT-1', 'ST-A-C3']);
    const page2 = await t.as('admin').get('/api/incidents?limit=2&offset=2').expect(200);
    expect(page2.body).toMatchObject({ total: 6, limit: 2, offset: 2 });
    expect(page2.body.items.map((i: any) => i.code)).toEqual(['ST-B-C1', 'ST-B-C2']);
    // A private camera without an ONVIF address is never an incident: camnet does not watch it.
    expect(await codes('status=unknown')).toEqual([]);
  });

  it('refuses bad filters, naming the field', async () => {
    for (const [q, field] of [
      ['status=broken', 'status'],
      ['reason=bored', 'reason'],
      ['sort=size', 'sort'],
      ['limit=0', 'limit'],
      ['district=abc', 'district'],
      ['station=st a', 'station'],
    ]) {
      const res = await t.as('technician').get(`/api/incidents?${q}`).expect(400);
      expect(res.body.errors[0].field).toBe(field);
    }
  });

  it('is for technicians and admins only', async () => {
    await t.as('police').get('/api/incidents').expect(403);
    await t.as('planner').get('/api/incidents.csv').expect(403);
  });

  it('downloads every incident as spreadsheet-safe CSV', async () => {
    const res = await t
      .as('admin')
      .get('/api/incidents.csv')
      .buffer(true)
      .parse((r, cb) => {
        let s = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (s += c));
        r.on('end', () => cb(null, s));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const text: string = res.body;
    expect(text.startsWith(UTF8_BOM + 'subject,code,status,since,reason_code,reason,')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(7);
    // The commune named like a formula is written as text.
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain('camera,ST-A-C1,offline,2026-12-01T07:00:00.000Z,offline_timeout,');
  });

  it('gives each camera its since and reason in the camera list and in /status', async () => {
    const list = await t.as('technician').get('/api/cameras?station=ST-B').expect(200);
    expect(list.body.items[0]).toMatchObject({ code: 'ST-B-C1', since: T_DOWN, reason: { code: 'station_down', station_code: 'ST-B' } });
    const turned = await t.as('technician').get('/api/cameras/ST-A-C3/status').expect(200);
    expect(turned.body.reason).toMatchObject({ code: 'turned' });
    expect(turned.body.last_error).toEqual({ kind: 'turned', message: 'heading 200° instead of the registered 90°' });
    // CIT-1 is a private camera: only police and admin may see it (a technician's look is 404).
    await t.as('technician').get('/api/cameras/CIT-1/status').expect(404);
    const skewed = await t.as('admin').get('/api/cameras/CIT-1/status').expect(200);
    expect(skewed.body.last_error).toEqual({ kind: 'clock_drift', message: 'camera clock off by 3600 s' });
    const online = await t.as('technician').get('/api/cameras/ST-A-C2/status').expect(200);
    expect(online.body.reason).toBeNull();
    const map = await t.as('technician').get('/api/cameras?view=map&station=ST-A').expect(200);
    const reasonAt = map.body.columns.indexOf('reason');
    expect(map.body.rows.map((r: unknown[]) => r[reasonAt])).toEqual(['offline_timeout', null, 'turned']);
  });
});
