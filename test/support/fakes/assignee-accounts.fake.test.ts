/** The in-memory AssigneeAccounts answers as AssigneeRepository does (the same contract, no database). */
import { assigneeAccountsContract } from '../assignee-accounts.contract';
import { InMemoryAssigneeAccounts } from './assignee-accounts.fake';

describe('InMemoryAssigneeAccounts', () => {
  const accounts = new InMemoryAssigneeAccounts();
  assigneeAccountsContract(() => ({ accounts, add: async (a) => accounts.add(a) }));
});
