/**
 * What any AssigneeAccounts must answer, run against AssigneeRepository on a real
 * database (test/alerts/assignee.repository.test.ts, PostgreSQL and PGlite) and
 * against the in-memory fake AlertAssignees' unit spec uses.
 */
import type { AccountRow, AssigneeAccounts } from '../../src/alerts/assignee.repository';

export interface AssigneeAccountsHarness {
  accounts: AssigneeAccounts;
  /** Adds an account; answers its id. */
  add(a: Pick<AccountRow, 'login' | 'name' | 'role' | 'state' | 'scopeKind' | 'scopeCode'>): Promise<number>;
}

export function assigneeAccountsContract(harness: () => AssigneeAccountsHarness): void {
  let h: AssigneeAccountsHarness;
  beforeAll(() => {
    h = harness();
  });

  it('lists the active accounts of the roles asked, by name then login, with their scope', async () => {
    const add = (login: string, name: string, role: AccountRow['role'], more: Partial<AccountRow> = {}) =>
      h.add({ login, name, role, state: 'active', scopeKind: null, scopeCode: null, ...more });
    const b = await add('ct.b', 'Tran B', 'technician', { scopeKind: 'district', scopeCode: '801' });
    const a2 = await add('ct.a2', 'Nguyen A', 'admin');
    const a1 = await add('ct.a1', 'Nguyen A', 'technician', { scopeKind: 'commune', scopeCode: '27700' });
    await add('ct.police', 'Le Police', 'police');
    await add('ct.off', 'Le Off', 'technician', { state: 'disabled' });
    const mine = (rows: AccountRow[]) => rows.filter((r) => r.login.startsWith('ct.'));
    expect(mine(await h.accounts.active(['technician', 'admin']))).toEqual([
      { id: a1, login: 'ct.a1', name: 'Nguyen A', role: 'technician', state: 'active', scopeKind: 'commune', scopeCode: '27700' },
      { id: a2, login: 'ct.a2', name: 'Nguyen A', role: 'admin', state: 'active', scopeKind: null, scopeCode: null },
      { id: b, login: 'ct.b', name: 'Tran B', role: 'technician', state: 'active', scopeKind: 'district', scopeCode: '801' },
    ]);
    expect(mine(await h.accounts.active(['police'])).map((r) => r.login)).toEqual(['ct.police']);
    expect(mine(await h.accounts.active([]))).toEqual([]);
  });

  it('finds an account by login whatever its state or role', async () => {
    const id = await h.add({ login: 'ct.gone', name: 'Vo Gone', role: 'police', state: 'disabled', scopeKind: null, scopeCode: null });
    expect(await h.accounts.byLogin('ct.gone')).toEqual({
      id,
      login: 'ct.gone',
      name: 'Vo Gone',
      role: 'police',
      state: 'disabled',
      scopeKind: null,
      scopeCode: null,
    });
    expect(await h.accounts.byLogin('ct.nobody')).toBeNull();
  });
}
