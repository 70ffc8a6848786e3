/**
 * MaintenanceRepository on a real database (PostgreSQL, or PGlite under
 * CAMNET_TEST_DB=pglite): the MaintenanceStore contract that the in-memory fake
 * of the service specs is held to as well — above all the one rule of which
 * windows cover a camera or a station, read by the sweep and by alerts.
 */
import { MaintenanceRepository } from '../../src/monitoring/maintenance.repository';
import { openTestDatabase, TestDatabase } from '../support/database';
import { maintenanceStoreContract } from '../support/maintenance-store.contract';

let db: TestDatabase;
let repo: MaintenanceRepository;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = new MaintenanceRepository(db.dataSource);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('MaintenanceRepository: the contract', () => {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  maintenanceStoreContract(() => ({
    store: repo,
    unit: async (layout, level, code, parent) =>
      void (await q(`INSERT INTO admin_unit (layout, code, name, level, parent_code) VALUES ($1, $2, $3, $4, $5)`, [
        layout,
        code,
        `${level} ${code}`,
        level,
        parent ?? null,
      ])),
    station: async (s) => {
      const [{ id }] = await q(
        `INSERT INTO station (code, name, commune_code, commune_code_2025, lat, lon) VALUES ($1, $1, $2, $3, 10.6, 106.4) RETURNING id`,
        [s.code, s.communeCode, s.communeCode2025 ?? null],
      );
      if (s.status) await q(`INSERT INTO station_state (station_id, status, last_seen_at) VALUES ($1, $2, $3)`, [id, s.status, s.lastSeenAt ?? null]);
      return id;
    },
    camera: async (c) => {
      const [{ id }] = await q(
        `INSERT INTO camera (code, station_id, ownership, commune_code, commune_code_2025, lat, lon, heading_deg, fov_deg, range_m)
         VALUES ($1, (SELECT id FROM station WHERE code = $2), $3, $4, $5, 10.6, 106.4, 0, 60, 40) RETURNING id`,
        [c.code, c.stationCode ?? null, c.stationCode ? 'station' : 'citizen', c.communeCode, c.communeCode2025 ?? null],
      );
      if (c.status) {
        await q(`INSERT INTO camera_state (camera_id, status) VALUES ($1, $2)`, [id, c.status]);
        await q(`INSERT INTO probe_schedule (camera_id, next_at, interval_s) VALUES ($1, now(), 60)`, [id]);
      }
      return id;
    },
    setStatus: async (kind, id, status) =>
      void (await q(
        kind === 'camera' ? `UPDATE camera_state SET status = $2 WHERE camera_id = $1` : `UPDATE station_state SET status = $2 WHERE station_id = $1`,
        [id, status],
      )),
  }));
});
