/**
 * In-memory AssigneeAccounts: the people's accounts in an array, read with the
 * repository's rules. AlertAssignees' unit spec uses it instead of a database;
 * test/support/assignee-accounts.contract.ts holds it to the same answers as
 * AssigneeRepository on PostgreSQL and PGlite.
 */
import type { Role } from '../../../src/auth/api-token.entity';
import type { AccountRow, AssigneeAccounts } from '../../../src/alerts/assignee.repository';

// Names compare by code point, as PostgreSQL's "C" collation would; the contract uses names every collation orders alike.
const byNameThenLogin = (a: AccountRow, b: AccountRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.login < b.login ? -1 : a.login > b.login ? 1 : 0);

export class InMemoryAssigneeAccounts implements AssigneeAccounts {
  private readonly accounts: AccountRow[] = [];

  /** Adds an account (active, province-wide unless told); answers its id. */
  add(a: Pick<AccountRow, 'login' | 'name' | 'role'> & Partial<Pick<AccountRow, 'state' | 'scopeKind' | 'scopeCode'>>): number {
    const id = this.accounts.length + 1;
    this.accounts.push({ id, state: 'active', scopeKind: null, scopeCode: null, ...a });
    return id;
  }

  async active(roles: readonly Role[]): Promise<AccountRow[]> {
    return this.accounts
      .filter((a) => a.state === 'active' && roles.includes(a.role))
      .sort(byNameThenLogin)
      .map((a) => ({ ...a }));
  }

  async byLogin(login: string): Promise<AccountRow | null> {
    const a = this.accounts.find((x) => x.login === login);
    return a ? { ...a } : null;
  }
}
