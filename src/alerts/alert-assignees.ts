/**
 * Who an alert can be handed to: people with an active account who may work on
 * alerts (technicians and admins) and whose scope, when they have one, holds the
 * alert's camera or station. An assignee is named by login, the account's key.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ScopeRepository } from '../auth/scope.repository';
import type { Scope, ScopeKind } from '../auth/user.entity';
import { normaliseLogin } from '../auth/user.service';
import { badField } from '../http-defaults';

/** The roles that may acknowledge, assign and resolve alerts (AlertController's @Roles). */
export const ALERT_WORKER_ROLES = ['technician', 'admin'] as const;

export interface Assignee {
  user_id: number;
  login: string;
  name: string;
  role: (typeof ALERT_WORKER_ROLES)[number];
  scope: Scope | null;
}

interface UserRow {
  id: number;
  login: string;
  name: string;
  role: Assignee['role'];
  state: string;
  scope_kind: ScopeKind | null;
  scope_code: string | null;
}

const toAssignee = (u: UserRow): Assignee => ({
  user_id: u.id,
  login: u.login,
  name: u.name,
  role: u.role,
  scope: u.scope_kind && u.scope_code ? { kind: u.scope_kind, code: u.scope_code } : null,
});

@Injectable()
export class AlertAssignees {
  constructor(
    private readonly db: DataSource,
    private readonly places: ScopeRepository,
  ) {}

  /** Everyone an alert on `subject` may go to (everyone who works alerts when no subject is given), by name. */
  async candidates(subject?: string): Promise<Assignee[]> {
    const rows: UserRow[] = await this.db.query(
      `SELECT id, login, name, role, state, scope_kind, scope_code FROM app_user
       WHERE state = 'active' AND role = ANY($1) ORDER BY name, login`,
      [[...ALERT_WORKER_ROLES]],
    );
    const people = rows.map(toAssignee);
    if (!subject) return people;
    const kept: Assignee[] = [];
    for (const p of people) if (await this.covers(p.scope, subject)) kept.push(p);
    return kept;
  }

  /** The account an alert on `subject` is assigned to by `login`; a 400 naming `assignee` when it may not be. */
  async resolve(login: string, subject: string): Promise<Assignee> {
    const wanted = normaliseLogin(login);
    const [row]: UserRow[] = await this.db.query(`SELECT id, login, name, role, state, scope_kind, scope_code FROM app_user WHERE login = $1`, [wanted]);
    if (!row) {
      throw badField('assignee', `assignee must be the login of a person's account; there is no account "${wanted}" (GET /api/alerts/assignees lists them)`, 'assignee_unknown', {
        value: wanted,
      });
    }
    if (row.state !== 'active') throw badField('assignee', `the account "${wanted}" is ${row.state}: an alert goes to an active account`, 'assignee_inactive', { value: wanted });
    if (!(ALERT_WORKER_ROLES as readonly string[]).includes(row.role)) {
      throw badField('assignee', `"${wanted}" is a ${row.role}: alerts go to a technician or an admin`, 'assignee_role', { value: wanted, role: row.role });
    }
    const person = toAssignee(row);
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
