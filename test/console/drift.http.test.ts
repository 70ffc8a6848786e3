import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from './console.fixtures';

describe('inventory drift: what devices report against what the inventory holds', () => {
  let t: TestCamnet;
  const setDevice = (code: string, device: object) =>
    t.db.dataSource.query(`UPDATE camera_state SET device = $2::jsonb WHERE camera_id = (SELECT id FROM camera WHERE code = $1)`, [
      code,
      JSON.stringify(device),
    ]);

  beforeAll(async () => {
    t = await startTestCamnet({ seed: false });
    await loadConsoleFixtures(t.db.dataSource);
    await t.db.dataSource.query(`UPDATE camera SET model = 'DS-2CD2043', firmware = '45.8.0.3', serial = 'MI2583916850' WHERE code IN ('ST-A-C1', 'ST-A-C2')`);
    await setDevice('ST-A-C1', { manufacturer: 'Hik', model: 'DS-2CD2043', firmware: '61.8.0.3-r8', serial: '6CF17E68018018209', hardware_id: null });
    await setDevice('ST-A-C2', { manufacturer: 'Hik', model: 'DS-2CD2043', firmware: '45.8.0.3', serial: 'MI2583916850', hardware_id: null });
    // A device that reports no serial does not drift on it.
    await setDevice('ST-B-C1', { manufacturer: 'Hik', model: null, firmware: null, serial: null, hardware_id: null });
  });
  afterAll(() => t?.close());

  it('lists the cameras that drift, with both values of each field that differs', async () => {
    const res = await t.as('technician').get('/api/inventory/drift').expect(200);
    expect(res.body).toEqual({
      total: 1,
      items: [
        {
          code: 'ST-A-C1',
          station_code: 'ST-A',
          fields: [
            { field: 'firmware', inventory: '45.8.0.3', reported: '61.8.0.3-r8' },
            { field: 'serial', inventory: 'MI2583916850', reported: '6CF17E68018018209' },
          ],
        },
      ],
    });
    await t.as('planner').get('/api/inventory/drift').expect(403);
  });

  it('marks the inventory as right until the device reports something else again', async () => {
    await t.as('technician').post('/api/inventory/drift/ST-A-C1/keep').expect(200);
    expect((await t.as('technician').get('/api/inventory/drift').expect(200)).body.total).toBe(0);
    await setDevice('ST-A-C1', { manufacturer: 'Hik', model: 'DS-2CD2043', firmware: '62.0.0', serial: '6CF17E68018018209', hardware_id: null });
    const again = await t.as('technician').get('/api/inventory/drift').expect(200);
    expect(again.body.items[0].fields[0]).toEqual({ field: 'firmware', inventory: '45.8.0.3', reported: '62.0.0' });
  });

  it('accepts the reported values into the inventory, audited', async () => {
    const res = await t.as('technician').post('/api/inventory/drift/ST-A-C1/accept').expect(200);
    expect(res.body.fields.map((f: any) => f.field)).toEqual(['firmware', 'serial']);
    const cam = await t.as('technician').get('/api/cameras/ST-A-C1').expect(200);
    expect(cam.body).toMatchObject({ model: 'DS-2CD2043', firmware: '62.0.0', serial: '6CF17E68018018209' });
    expect((await t.as('technician').get('/api/inventory/drift').expect(200)).body.total).toBe(0);
    const audit = await t.as('admin').get('/api/audit?action=inventory.drift.accept').expect(200);
    expect(JSON.stringify(audit.body)).toContain('ST-A-C1');
  });

  it('answers 404 for a camera without drift or unknown', async () => {
    await t.as('technician').post('/api/inventory/drift/ST-A-C2/accept').expect(404);
    await t.as('technician').post('/api/inventory/drift/NOPE/keep').expect(404);
    await t.as('police').post('/api/inventory/drift/ST-A-C2/keep').expect(403);
  });
});
