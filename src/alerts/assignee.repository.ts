/**
 * The SQL behind AlertAssignees: the people's accounts an alert may be handed to.
 * AlertAssignees decides who qualifies (an active technician or admin whose scope
 * holds the alert); this file only reads the accounts. Rows are typed from the
 * entity and the SQL names come from its decorators.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../auth/api-token.entity';
import { AppUser } from '../auth/user.entity';
import { ColumnProperty, entityColumns } from '../database/entity-columns';

const ACCOUNT = ['id', 'login', 'name', 'role', 'state', 'scopeKind', 'scopeCode'] as const satisfies readonly ColumnProperty<AppUser>[];
/** What an assignment reads of an account. */
export type AccountRow = Pick<AppUser, (typeof ACCOUNT)[number]>;

/** What AlertAssignees reads; the in-memory fake (test/support/fakes/) answers the same. */
export interface AssigneeAccounts {
  /** Active accounts with one of `roles`, by name, then login. */
  active(roles: readonly Role[]): Promise<AccountRow[]>;
  /** The account with this login (already normalised), whatever its state and role; null when none. */
  byLogin(login: string): Promise<AccountRow | null>;
}

const us = entityColumns(AppUser);
const COLUMNS = us.select('u', ...ACCOUNT);

@Injectable()
export class AssigneeRepository implements AssigneeAccounts {
  constructor(private readonly db: DataSource) {}

  active(roles: readonly Role[]): Promise<AccountRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM ${us.table} u WHERE u.${us.col.state} = 'active' AND u.${us.col.role} = ANY($1) ORDER BY u.${us.col.name}, u.${us.col.login}`,
      [[...roles]],
    );
  }

  async byLogin(login: string): Promise<AccountRow | null> {
    const [row]: AccountRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${us.table} u WHERE u.${us.col.login} = $1`, [login]);
    return row ?? null;
  }
}
