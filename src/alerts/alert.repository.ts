/**
 * The SQL of alerts and their histories (alert, alert_event). AlertService
 * decides when an alert opens, who may act on it and what is told; this file only
 * reads and writes the rows, each change one statement so two writers never
 * cross (the partial unique index on (kind, subject) WHERE resolved_at IS NULL
 * keeps one open alert per kind and subject even across processes).
 *
 * Rows are typed from the entities and the SQL names come from their decorators
 * (src/database/entity-columns.ts), so renaming an entity property fails to
 * compile here.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppUser } from '../auth/user.entity';
import { ColumnProperty, entityColumns } from '../database/entity-columns';
import type { AlertKind } from '../domain/alert';
import { Alert, AlertEvent } from './alert.entity';

const ROW = [
  'id',
  'kind',
  'subject',
  'openedAt',
  'ackedAt',
  'ackedBy',
  'resolvedAt',
  'resolvedBy',
  'assignee',
  'details',
] as const satisfies readonly ColumnProperty<Alert>[];
const STEP = ['at', 'action', 'by', 'note', 'assignee'] as const satisfies readonly ColumnProperty<AlertEvent>[];

/** An alert as stored, with its assignee's name read from their account (null when unassigned or unlinked). */
export type AlertRow = Pick<Alert, (typeof ROW)[number]> & { assigneeName: string | null };
/** One step of an alert's history as stored. */
export type AlertStep = Pick<AlertEvent, (typeof STEP)[number]>;

export type AlertStateFilter = 'open' | 'acked' | 'resolved';

export interface AlertListFilter {
  /** Only alerts in this state (any state when left out). */
  state?: AlertStateFilter;
  /** The newest `limit` alerts. */
  limit: number;
  subject?: string;
  /** Only alerts assigned to this login (already normalised). */
  assignee?: string;
  /** Leave out alerts about private (non-station) cameras. */
  hidePrivateCameras?: boolean;
}

/** What AlertService reads and writes; the in-memory fake (test/support/fakes/) answers the same. */
export interface AlertStore {
  /** Opens an alert unless one of that kind is open on the subject already (then null). */
  open(kind: AlertKind, subject: string, at: Date, details: Record<string, unknown>): Promise<AlertRow | null>;
  /** Resolves the open alert of that kind on the subject (no earlier than it opened); null when none is open. */
  resolveOpen(kind: AlertKind, subject: string, at: Date): Promise<AlertRow | null>;
  /** Resolves every open alert on the subject, merging `details` into each one's details. */
  resolveAllOpen(subject: string, at: Date, details: Record<string, unknown>): Promise<AlertRow[]>;
  /** Acknowledges an alert neither acknowledged nor resolved; null when it was either (or is unknown). */
  ack(id: number, at: Date, by: string): Promise<AlertRow | null>;
  /** Resolves an unresolved alert by hand (no earlier than it opened); null when it was resolved (or is unknown). */
  resolveByHand(id: number, at: Date, by: string): Promise<AlertRow | null>;
  /** Sets (or clears, with nulls) who works on an alert; null when the alert is unknown. */
  assign(id: number, login: string | null, userId: number | null): Promise<AlertRow | null>;
  find(id: number): Promise<AlertRow | null>;
  /** Adds a step to an alert's history. */
  record(alertId: number, step: AlertStep): Promise<void>;
  /** An alert's history, oldest step first (steps at one time in the order recorded). */
  history(alertId: number): Promise<AlertStep[]>;
  /** Alerts matching the filter, newest opened first (the higher id first at one time). */
  list(filter: AlertListFilter): Promise<AlertRow[]>;
  /** How many alerts are not resolved (acknowledged or not). */
  openCount(): Promise<number>;
}

const al = entityColumns(Alert);
const ev = entityColumns(AlertEvent);
const us = entityColumns(AppUser);

// The assignee's name is read from their account each time, so a renamed person shows their new name.
const COLUMNS = `${al.select('a', ...ROW)}, (SELECT u.${us.col.name} FROM ${us.table} u WHERE u.${us.col.id} = a.${al.col.assigneeUserId}) AS "assigneeName"`;
/**
 * An UPDATE as `WITH changed AS (UPDATE … RETURNING …) SELECT …`, because TypeORM
 * answers a bare UPDATE with [rows, count] instead of the rows.
 */
const updating = (set: string, where: string) => `WITH changed AS (UPDATE ${al.table} a SET ${set} WHERE ${where} RETURNING ${COLUMNS}) SELECT * FROM changed`;

const STATE_WHERE: Record<AlertStateFilter, string> = {
  open: `a.${al.col.ackedAt} IS NULL AND a.${al.col.resolvedAt} IS NULL`,
  acked: `a.${al.col.ackedAt} IS NOT NULL AND a.${al.col.resolvedAt} IS NULL`,
  resolved: `a.${al.col.resolvedAt} IS NOT NULL`,
};

@Injectable()
export class AlertRepository implements AlertStore {
  constructor(private readonly db: DataSource) {}

  async open(kind: AlertKind, subject: string, at: Date, details: Record<string, unknown>): Promise<AlertRow | null> {
    const [row]: AlertRow[] = await this.db.query(
      `INSERT INTO ${al.table} AS a (${al.col.kind}, ${al.col.subject}, ${al.col.openedAt}, ${al.col.details}) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (${al.col.kind}, ${al.col.subject}) WHERE ${al.col.resolvedAt} IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [kind, subject, at, JSON.stringify(details)],
    );
    return row ?? null;
  }

  async resolveOpen(kind: AlertKind, subject: string, at: Date): Promise<AlertRow | null> {
    const [row]: AlertRow[] = await this.db.query(
      updating(
        `${al.col.resolvedAt} = greatest(a.${al.col.openedAt}, $3)`,
        `a.${al.col.kind} = $1 AND a.${al.col.subject} = $2 AND a.${al.col.resolvedAt} IS NULL`,
      ),
      [kind, subject, at],
    );
    return row ?? null;
  }

  async resolveAllOpen(subject: string, at: Date, details: Record<string, unknown>): Promise<AlertRow[]> {
    const rows: AlertRow[] = await this.db.query(
      updating(
        `${al.col.resolvedAt} = greatest(a.${al.col.openedAt}, $2), ${al.col.details} = a.${al.col.details} || $3::jsonb`,
        `a.${al.col.subject} = $1 AND a.${al.col.resolvedAt} IS NULL`,
      ) + ` ORDER BY "id"`,
      [subject, at, JSON.stringify(details)],
    );
    return rows;
  }

  async ack(id: number, at: Date, by: string): Promise<AlertRow | null> {
    const [row]: AlertRow[] = await this.db.query(
      updating(`${al.col.ackedAt} = $2, ${al.col.ackedBy} = $3`, `a.${al.col.id} = $1 AND a.${al.col.ackedAt} IS NULL AND a.${al.col.resolvedAt} IS NULL`),
      [id, at, by],
    );
    return row ?? null;
  }

  async resolveByHand(id: number, at: Date, by: string): Promise<AlertRow | null> {
    const [row]: AlertRow[] = await this.db.query(
      updating(
        `${al.col.resolvedAt} = greatest(a.${al.col.openedAt}, $2), ${al.col.resolvedBy} = $3`,
        `a.${al.col.id} = $1 AND a.${al.col.resolvedAt} IS NULL`,
      ),
      [id, at, by],
    );
    return row ?? null;
  }

  async assign(id: number, login: string | null, userId: number | null): Promise<AlertRow | null> {
    const [row]: AlertRow[] = await this.db.query(updating(`${al.col.assignee} = $2, ${al.col.assigneeUserId} = $3`, `a.${al.col.id} = $1`), [
      id,
      login,
      userId,
    ]);
    return row ?? null;
  }

  async find(id: number): Promise<AlertRow | null> {
    const [row]: AlertRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${al.table} a WHERE a.${al.col.id} = $1`, [id]);
    return row ?? null;
  }

  async record(alertId: number, s: AlertStep): Promise<void> {
    await this.db.query(
      `INSERT INTO ${ev.table} (${ev.col.alertId}, ${ev.col.at}, ${ev.col.action}, ${ev.col.by}, ${ev.col.note}, ${ev.col.assignee}) VALUES ($1, $2, $3, $4, $5, $6)`,
      [alertId, s.at, s.action, s.by, s.note, s.assignee],
    );
  }

  async history(alertId: number): Promise<AlertStep[]> {
    const rows: AlertStep[] = await this.db.query(
      `SELECT ${ev.select('e', ...STEP)} FROM ${ev.table} e WHERE e.${ev.col.alertId} = $1 ORDER BY e.${ev.col.at}, e.${ev.col.id}`,
      [alertId],
    );
    // PGlite and node-postgres agree on timestamptz → Date; normalise anyway so a driver change cannot leak strings.
    return rows.map((r) => ({ ...r, at: new Date(r.at) }));
  }

  async list(f: AlertListFilter): Promise<AlertRow[]> {
    const where = [f.state ? STATE_WHERE[f.state] : 'true'];
    // A private camera is any camera not owned by a station; station subjects are never private.
    if (f.hidePrivateCameras) {
      where.push(`(a.${al.col.subject} NOT LIKE 'camera:%' OR substring(a.${al.col.subject} from 8) IN (SELECT code FROM camera WHERE ownership = 'station'))`);
    }
    return this.db.query(
      `SELECT ${COLUMNS} FROM ${al.table} a
        WHERE ${where.join(' AND ')} AND ($2::text IS NULL OR a.${al.col.subject} = $2) AND ($3::text IS NULL OR a.${al.col.assignee} = $3)
        ORDER BY a.${al.col.openedAt} DESC, a.${al.col.id} DESC LIMIT $1`,
      [f.limit, f.subject ?? null, f.assignee ?? null],
    );
  }

  async openCount(): Promise<number> {
    const [row]: { n: string }[] = await this.db.query(`SELECT count(*) AS n FROM ${al.table} WHERE ${al.col.resolvedAt} IS NULL`);
    return Number(row.n);
  }
}
