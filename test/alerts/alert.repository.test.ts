/**
 * AlertRepository on a real database (PostgreSQL, or PGlite under
 * CAMNET_TEST_DB=pglite): the AlertStore contract that the in-memory fake of
 * AlertService's unit spec is held to as well.
 */
import { AlertRepository } from '../../src/alerts/alert.repository';
import { alertStoreContract } from '../support/alert-store.contract';
import { openTestDatabase, TestDatabase } from '../support/database';

let db: TestDatabase;
let repo: AlertRepository;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = new AlertRepository(db.dataSource);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('AlertRepository: the contract', () => {
  alertStoreContract(() => ({
    store: repo,
    camera: async (code, station) => {
      await db.dataSource.query(
        `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m) VALUES ($1, $2, '27700', 10.6, 106.4, 0, 60, 40)`,
        [code, station ? 'station' : 'citizen'],
      );
    },
    person: async (login, name) =>
      (await db.dataSource.query(`INSERT INTO app_user (login, name, role) VALUES ($1, $2, 'technician') RETURNING id`, [login, name]))[0].id,
    rename: async (id, name) => void (await db.dataSource.query(`UPDATE app_user SET name = $2 WHERE id = $1`, [id, name])),
  }));
});
