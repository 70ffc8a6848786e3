/**
 * Who an alert can be handed to: people with an active account who may work on
 * alerts (technicians and admins) and whose scope, when they have one, holds the
 * alert's camera or station. An assignee is named by login, the account's key.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ScopeRepository } from '../auth/scope.repository';
import type { Scope } from '../auth/user.entity';
import { normaliseLogin } from '../auth/user.service';
import { badField } from '../http-defaults';
import { AccountRow, AssigneeAccounts, AssigneeRepository } from './assignee.repository';

/** The roles that may acknowledge, assign and resolve alerts (AlertController's @Roles). */
export const ALERT_WORKER_ROLES = ['technician', 'admin'] as const;

export interface Assignee {
  user_id: number;
  login: string;
  name: string;
  role: (typeof ALERT_WORKER_ROLES)[number];
  scope: Scope | null;
}

/** Which places a scope holds (ScopeRepository reads them from the inventory). */
export type AssigneePlaces = Pick<ScopeRepository, 'communes' | 'subjectsIn'>;

const isWorker = (role: string): role is Assignee['role'] => (ALERT_WORKER_ROLES as readonly string[]).includes(role);

const toAssignee = (u: AccountRow & { role: Assignee['role'] }): Assignee => ({
  user_id: u.id,
  login: u.login,
  name: u.name,
  role: u.role,
  scope: u.scopeKind && u.scopeCode ? { kind: u.scopeKind, code: u.scopeCode } : null,
});

@Injectable()
export class AlertAssignees {
  constructor(
    @Inject(AssigneeRepository) private readonly accounts: AssigneeAccounts,
    @Inject(ScopeRepository) private readonly places: AssigneePlaces,
  ) {}

  /** Everyone an alert on `subject` may go to (everyone who works alerts when no subject is given), by name. */
  async candidates(subject?: string): Promise<Assignee[]> {
    const rows = await this.accounts.active(ALERT_WORKER_ROLES);
    const people = rows.flatMap((r) => (isWorker(r.role) ? [toAssignee({ ...r, role: r.role })] : []));
    if (!subject) return people;
    const kept: Assignee[] = [];
    for (const p of people) if (await this.covers(p.scope, subject)) kept.push(p);
    return kept;
  }

  /** The account an alert on `subject` is assigned to by `login`; a 400 naming `assignee` when it may not be. */
  async resolve(login: string, subject: string): Promise<Assignee> {
    const wanted = normaliseLogin(login);
    const row = await this.accounts.byLogin(wanted);
    if (!row) {
      throw badField(
        'assignee',
        `assignee must be the login of a person's account; there is no account "${wanted}" (GET /api/alerts/assignees lists them)`,
        'assignee_unknown',
        {
          value: wanted,
        },
      );
    }
    if (row.state !== 'active')
      throw badField('assignee', `the account "${wanted}" is ${row.state}: an alert goes to an active account`, 'assignee_inactive', { value: wanted });
    if (!isWorker(row.role)) {
      throw badField('assignee', `"${wanted}" is a ${row.role}: alerts go to a technician or an admin`, 'assignee_role', { value: wanted, role: row.role });
    }
    const person = toAssignee({ ...row, role: row.role });
    if (!(await this.covers(person.scope, subject))) {
      throw badField('assignee', `"${wanted}" works in ${person.scope!.kind} ${person.scope!.code}, which does not hold ${subject}`, 'assignee_out_of_scope', {
        value: wanted,
        scope: `${person.scope!.kind} ${person.scope!.code}`,
      });
    }
    return person;
  }

  private async covers(scope: Scope | null, subject: string): Promise<boolean> {
    if (scope === null) return true;
    return (await this.places.subjectsIn([subject], await this.places.communes(scope))).has(subject);
  }
}
