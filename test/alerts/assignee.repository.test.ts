/**
 * AssigneeRepository and ScopeRepository on a real database (PostgreSQL, or PGlite
 * under CAMNET_TEST_DB=pglite): the AssigneeAccounts and AssigneePlaces contracts
 * that the in-memory fakes of AlertAssignees' unit spec are held to as well.
 */
import { AssigneeRepository } from '../../src/alerts/assignee.repository';
import { ScopeRepository } from '../../src/auth/scope.repository';
import { assigneeAccountsContract } from '../support/assignee-accounts.contract';
import { assigneePlacesContract } from '../support/assignee-places.contract';
import { openTestDatabase, TestDatabase } from '../support/database';

let db: TestDatabase;
let repo: AssigneeRepository;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = new AssigneeRepository(db.dataSource);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('AssigneeRepository: the contract', () => {
  assigneeAccountsContract(() => ({
    accounts: repo,
    add: async (a) =>
      (
        await db.dataSource.query(`INSERT INTO app_user (login, name, role, state, scope_kind, scope_code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [
          a.login,
          a.name,
          a.role,
          a.state,
          a.scopeKind,
          a.scopeCode,
        ])
      )[0].id,
  }));
});

describe('ScopeRepository: the AssigneePlaces contract', () => {
  const q = (sql: string, params: unknown[]) => db.dataSource.query(sql, params);
  assigneePlacesContract(() => ({
    places: new ScopeRepository(db.dataSource),
    unit: async (layout, level, code, parent) =>
      void (await q(`INSERT INTO admin_unit (layout, code, name, level, parent_code) VALUES ($1, $2, $3, $4, $5)`, [
        layout,
        code,
        `${level} ${code}`,
        level,
        parent ?? null,
      ])),
    camera: async (code, commune) =>
      void (await q(
        `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m) VALUES ($1, 'citizen', $2, 10.6, 106.4, 0, 60, 40)`,
        [code, commune],
      )),
    station: async (code, commune) =>
      void (await q(`INSERT INTO station (code, name, commune_code, lat, lon) VALUES ($1, $1, $2, 10.6, 106.4)`, [code, commune])),
  }));
});
