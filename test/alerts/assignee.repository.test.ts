/**
 * AssigneeRepository on a real database (PostgreSQL, or PGlite under
 * CAMNET_TEST_DB=pglite): the AssigneeAccounts contract that the in-memory fake
 * of AlertAssignees' unit spec is held to as well.
 */
import { AssigneeRepository } from '../../src/alerts/assignee.repository';
import { assigneeAccountsContract } from '../support/assignee-accounts.contract';
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
