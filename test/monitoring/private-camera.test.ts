/**
 * A camera with an ONVIF address is monitored whatever its ownership: a citizen's
 * camera added to the inventory gets a schedule row and turns online like a
 * station's. (It answers through a simulated device of the fleet.)
 */
import { Fleet, Instance, openFleet, startInstance, waitFor } from './monitoring.harness';

let fleet: Fleet;
let inst: Instance;

beforeAll(async () => {
  fleet = await openFleet({ stations: 1 });
}, 60_000);

afterAll(async () => {
  await inst?.close();
  await fleet?.close();
});

it('polls a private camera that has an ONVIF address, and leaves alone one that has none', async () => {
  const station = fleet.cameras.find((c) => !c.ptz) ?? fleet.cameras[0];
  await fleet.db.dataSource.query(
    `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m, ptz, onvif_url, onvif_user, onvif_secret_enc)
     SELECT 'CIT-ONVIF-1', 'citizen', commune_code, lat, lon, heading_deg, 90, 30, false, onvif_url, onvif_user, onvif_secret_enc FROM camera WHERE code = $1
     UNION ALL
     SELECT 'CIT-PLAIN-1', 'citizen', commune_code, lat, lon, heading_deg, 90, 30, false, NULL, NULL, NULL FROM camera WHERE code = $1`,
    [station.code],
  );
  inst = await startInstance(fleet);
  const status = async (code: string) =>
    (await fleet.db.dataSource.query(`SELECT cs.status FROM camera c LEFT JOIN camera_state cs ON cs.camera_id = c.id WHERE c.code = $1`, [code]))[0]?.status;
  expect(await waitFor(async () => (await status('CIT-ONVIF-1')) === 'online', 15_000)).toBe(true);
  const scheduled = await fleet.db.dataSource.query(
    `SELECT c.code FROM probe_schedule ps JOIN camera c ON c.id = ps.camera_id WHERE c.code LIKE 'CIT-%' ORDER BY c.code`,
  );
  expect(scheduled).toEqual([{ code: 'CIT-ONVIF-1' }]);
  expect(await status('CIT-PLAIN-1')).toBe('unknown');
}, 60_000);
