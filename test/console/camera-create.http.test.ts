import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from './console.fixtures';

describe('adding a camera without its commune', () => {
  let t: TestCamnet;
  const base = { fov_deg: 60, range_m: 40, heading_deg: 90 };
  beforeAll(async () => {
    t = await startTestCamnet({ seed: false });
    await loadConsoleFixtures(t.db.dataSource);
    await t.db.dataSource.query(`UPDATE admin_unit SET lat = 10.60, lon = 106.40 WHERE code = '30001'`);
    await t.db.dataSource.query(`UPDATE admin_unit SET lat = 10.80, lon = 106.60 WHERE code = '30003'`);
  });
  afterAll(() => t?.close());

  it("gives a station camera its station's commune", async () => {
    const res = await t
      .as('technician')
      .post('/api/cameras')
      .send({ ...base, code: 'ST-B-C9', ownership: 'station', station_code: 'ST-B', lat: 10.7, lon: 106.5 })
      .expect(201);
    expect(res.body).toMatchObject({ code: 'ST-B-C9', station_code: 'ST-B', commune_code: '30002' });
  });

  it('gives a camera with coordinates the commune found by its position', async () => {
    const res = await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...base, code: 'CIT-9', ownership: 'citizen', lat: 10.79, lon: 106.59 })
      .expect(201);
    expect(res.body.commune_code).toBe('30003');
  });

  it('still refuses an unknown commune and an unknown station, naming the field', async () => {
    const bad = await t
      .as('admin')
      .post('/api/cameras')
      .send({ ...base, code: 'CIT-10', ownership: 'citizen', commune_code: '99999', lat: 10.79, lon: 106.59 })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('commune_code');
    const station = await t
      .as('technician')
      .post('/api/cameras')
      .send({ ...base, code: 'ST-X-C1', ownership: 'station', station_code: 'ST-X', lat: 10.7, lon: 106.5 })
      .expect(400);
    expect(station.body.errors.map((e: any) => e.field)).toContain('station_code');
  });
});
