/**
 * Carries out the alert actions that the status machine decides ('alert.action'
 * on the bus): opens at most one alert of a kind per subject, resolves it on
 * recovery, lets technicians acknowledge it. Maintenance silences alerts, never
 * recording: inside a window an alert is not opened, but it is still resolved; and
 * when a camera or station enters maintenance its open alerts are closed (resolved,
 * details.resolution = "maintenance"): the technician is on it, and a fault still
 * there when the window ends opens a fresh alert from the camera's next checks.
 */
import { ConflictException, Inject, Injectable, Logger, NotFoundException, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { AlertActionEvent, EventBus } from '../common/event-bus';
import { METRICS } from '../health/metrics';
import type { AlertKind } from '../domain/alert';
import { normaliseLogin } from '../auth/user.service';
import { AlertAssignees } from './alert-assignees';
import { AlertEventAction } from './alert.entity';
import { WebhookNotifier } from './webhook.notifier';

export const ALERT_STATES = ['open', 'acked', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** An alert as the API and the webhook show it. */
export interface AlertView {
  id: number;
  kind: AlertKind;
  subject: string;
  state: AlertState;
  opened_at: string;
  acked_at: string | null;
  acked_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  /** The login of the person working on it (older free text may remain, with no account). */
  assignee: string | null;
  /** That person's name, from their account; null when unassigned or not linked to an account. */
  assignee_name: string | null;
  details: Record<string, unknown>;
}

/** One step of an alert's history. */
export interface AlertHistoryEntry {
  at: string;
  action: string;
  by: string | null;
  note: string | null;
  assignee: string | null;
}

interface AlertRow {
  id: number;
  kind: AlertKind;
  subject: string;
  opened_at: Date;
  acked_at: Date | null;
  acked_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  assignee: string | null;
  assignee_name: string | null;
  details: Record<string, unknown>;
}

// The assignee's name is read from their account each time, so a renamed person shows their new name.
const COLUMNS =
  'id, kind, subject, opened_at, acked_at, acked_by, resolved_at, resolved_by, assignee, (SELECT u.name FROM app_user u WHERE u.id = alert.assignee_user_id) AS assignee_name, details';
// UPDATEs are wrapped as `WITH changed AS (UPDATE … RETURNING …) SELECT …` because
// TypeORM answers a bare UPDATE with [rows, count] instead of the rows.

export function stateOf(a: Pick<AlertRow, 'acked_at' | 'resolved_at'>): AlertState {
  return a.resolved_at ? 'resolved' : a.acked_at ? 'acked' : 'open';
}

function view(a: AlertRow): AlertView {
  return {
    id: a.id,
    kind: a.kind,
    subject: a.subject,
    state: stateOf(a),
    opened_at: a.opened_at.toISOString(),
    acked_at: a.acked_at?.toISOString() ?? null,
    acked_by: a.acked_by,
    resolved_at: a.resolved_at?.toISOString() ?? null,
    resolved_by: a.resolved_by ?? null,
    assignee: a.assignee ?? null,
    assignee_name: a.assignee_name ?? null,
    details: a.details ?? {},
  };
}

@Injectable()
export class AlertService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('alerts');
  /** Actions are applied one after another, so an open and its resolve never cross. */
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private readonly silenced: Counter;

  constructor(
    private readonly db: DataSource,
    private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly webhook: WebhookNotifier,
    @Inject(METRICS) metrics: Registry,
    private readonly assignees: AlertAssignees,
  ) {
    this.silenced = new Counter({ name: 'camnet_alerts_silenced_total', help: 'Alerts not opened because of a maintenance window', registers: [metrics] });
    const count = () => this.openAlertCount();
    new Gauge({
      name: 'camnet_alerts_open',
      help: 'Alerts not resolved yet (acknowledged or not)',
      registers: [metrics],
      async collect() {
        this.set(await count());
      },
    });
  }

  onModuleInit(): void {
    const offAction = this.bus.on('alert.action', (action) => void this.enqueue(action));
    const offStatus = this.bus.on('status.changed', (ev) => {
      if (ev.status === 'maintenance') void this.enqueueTask(`close for maintenance ${ev.subject}:${ev.code}`, () => this.closeForMaintenance(`${ev.subject}:${ev.code}`, ev.at));
    });
    this.unsubscribe = () => {
      offAction();
      offStatus();
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await this.settled();
  }

  /** Queues an action; the promise settles when it has been applied (or failed and been logged). */
  enqueue(action: AlertActionEvent): Promise<AlertView | null> {
    const run = this.queue.then(() => this.apply(action));
    this.queue = run.catch((err) => this.logger.error(`alert ${action.action} ${action.kind} ${action.subject} failed: ${(err as Error).message}`));
    return run.catch(() => null);
  }

  /** Queues any alert write behind the actions already queued, so the order of events holds. */
  private enqueueTask<T>(what: string, task: () => Promise<T>): Promise<T | null> {
    const run = this.queue.then(task);
    this.queue = run.catch((err) => this.logger.error(`alert ${what} failed: ${(err as Error).message}`));
    return run.catch(() => null);
  }

  /** Closes every open alert of a subject that entered maintenance. */
  async closeForMaintenance(subject: string, at: Date): Promise<AlertView[]> {
    const rows: AlertRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE alert SET resolved_at = greatest(opened_at, $2), details = details || '{"resolution": "maintenance"}'::jsonb
         WHERE subject = $1 AND resolved_at IS NULL RETURNING ${COLUMNS})
       SELECT * FROM changed`,
      [subject, at],
    );
    for (const r of rows) await this.record(r.id, at, 'resolved', 'camnet', 'closed: maintenance window began');
    return rows.map((r) => this.changed(view(r), 'alert.resolved'));
  }

  /** Resolves once every queued action has been applied. */
  async settled(): Promise<void> {
    await this.queue;
  }

  /** Applies one action; answers the alert it opened or resolved, or null when nothing changed. */
  async apply(action: AlertActionEvent): Promise<AlertView | null> {
    if (action.action === 'resolve') return this.resolve(action.kind, action.subject, action.at);
    if (await this.inMaintenance(action.subject, action.at)) {
      this.silenced.inc();
      this.logger.debug(`alert ${action.kind} for ${action.subject} silenced by maintenance`);
      return null;
    }
    const rows: AlertRow[] = await this.db.query(
      `INSERT INTO alert (kind, subject, opened_at, details) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [action.kind, action.subject, action.at, JSON.stringify(action.details ?? {})],
    );
    if (rows.length === 0) return null; // already open
    await this.record(rows[0].id, action.at, 'opened', 'camnet', null);
    return this.changed(view(rows[0]), 'alert.opened');
  }

  /** Acknowledges an alert (with an optional note); acknowledging again changes nothing but adds the note. */
  async ack(id: number, by: string, note: string | null = null): Promise<AlertView> {
    const at = this.clock.now();
    const rows: AlertRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE alert SET acked_at = $2, acked_by = $3 WHERE id = $1 AND acked_at IS NULL AND resolved_at IS NULL RETURNING ${COLUMNS})
       SELECT * FROM changed`,
      [id, at, by],
    );
    if (rows.length > 0) {
      await this.record(id, at, 'acked', by, note);
      return this.changed(view(rows[0]), null);
    }
    const a = await this.unresolved(id, 'acknowledge');
    if (note !== null) await this.record(id, at, 'note', by, note);
    return view(a); // already acknowledged
  }

  /**
   * Hands an alert to a person's account (AlertAssignees checks it may go there),
   * or takes it back (null).
   */
  async assign(id: number, assignee: string | null, by: string): Promise<AlertView> {
    const current = await this.unresolved(id, 'assign');
    const person = assignee === null ? null : await this.assignees.resolve(assignee, current.subject);
    const at = this.clock.now();
    const [row]: AlertRow[] = await this.db.query(
      `WITH changed AS (UPDATE alert SET assignee = $2, assignee_user_id = $3 WHERE id = $1 RETURNING ${COLUMNS}) SELECT * FROM changed`,
      [id, person?.login ?? null, person?.user_id ?? null],
    );
    await this.record(id, at, 'assigned', by, null, person?.login ?? null);
    return this.changed(view(row), null);
  }

  /** Adds a note to an alert's history, resolved or not. */
  async addNote(id: number, note: string, by: string): Promise<AlertView> {
    const a = await this.existing(id);
    await this.record(id, this.clock.now(), 'note', by, note);
    return view(a);
  }

  /** Resolves an alert by hand, with the note saying what was done. */
  async resolveByHand(id: number, note: string, by: string): Promise<AlertView> {
    await this.unresolved(id, 'resolve');
    const at = this.clock.now();
    const rows: AlertRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE alert SET resolved_at = greatest(opened_at, $2), resolved_by = $3 WHERE id = $1 AND resolved_at IS NULL RETURNING ${COLUMNS})
       SELECT * FROM changed`,
      [id, at, by],
    );
    if (rows.length === 0) throw new ConflictException(`alert ${id} was resolved meanwhile`);
    await this.record(id, at, 'resolved', by, note);
    return this.changed(view(rows[0]), 'alert.resolved');
  }

  /** One alert with its whole history, oldest step first. */
  async get(id: number): Promise<AlertView & { history: AlertHistoryEntry[] }> {
    const a = await this.existing(id);
    const steps: { at: Date; action: string; by: string | null; note: string | null; assignee: string | null }[] = await this.db.query(
      `SELECT at, action, by, note, assignee FROM alert_event WHERE alert_id = $1 ORDER BY at, id`,
      [id],
    );
    return { ...view(a), history: steps.map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, by: e.by, note: e.note, assignee: e.assignee })) };
  }

  private async existing(id: number): Promise<AlertRow> {
    const [a]: AlertRow[] = await this.db.query(`SELECT ${COLUMNS} FROM alert WHERE id = $1`, [id]);
    if (!a) throw new NotFoundException(`no alert with id ${id}`);
    return a;
  }

  private async unresolved(id: number, what: string): Promise<AlertRow> {
    const a = await this.existing(id);
    if (a.resolved_at) throw new ConflictException(`alert ${id} was resolved at ${a.resolved_at.toISOString()}; there is nothing to ${what}`);
    return a;
  }

  private async record(alertId: number, at: Date, action: AlertEventAction, by: string | null, note: string | null, assignee: string | null = null): Promise<void> {
    await this.db.query(`INSERT INTO alert_event (alert_id, at, action, by, note, assignee) VALUES ($1, $2, $3, $4, $5, $6)`, [alertId, at, action, by, note, assignee]);
  }

  /** Alerts newest first; 'open' = neither acknowledged nor resolved, 'acked' = acknowledged, not resolved. */
  /** Without `filter.seesPrivate`, alerts about private cameras are left out (they reach technicians as counts only). */
  async list(state: AlertState | undefined, limit = 100, filter: { subject?: string; assignee?: string; seesPrivate?: boolean } = {}): Promise<AlertView[]> {
    const where =
      state === 'open'
        ? 'acked_at IS NULL AND resolved_at IS NULL'
        : state === 'acked'
          ? 'acked_at IS NOT NULL AND resolved_at IS NULL'
          : state === 'resolved'
            ? 'resolved_at IS NOT NULL'
            : 'true';
    const visible = filter.seesPrivate !== false ? 'true' : `(subject NOT LIKE 'camera:%' OR substring(subject from 8) IN (SELECT code FROM camera WHERE ownership = 'station'))`;
    const rows: AlertRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM alert WHERE ${where} AND ${visible} AND ($2::text IS NULL OR subject = $2) AND ($3::text IS NULL OR assignee = $3)
       ORDER BY opened_at DESC, id DESC LIMIT $1`,
      [limit, filter.subject ?? null, filter.assignee === undefined ? null : normaliseLogin(filter.assignee)],
    );
    return rows.map(view);
  }

  /** Alerts not resolved yet, acknowledged or not. */
  async openAlertCount(): Promise<number> {
    const rows: { n: string }[] = await this.db.query(`SELECT count(*) AS n FROM alert WHERE resolved_at IS NULL`);
    return Number(rows[0].n);
  }

  private async resolve(kind: AlertKind, subject: string, at: Date): Promise<AlertView | null> {
    const rows: AlertRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE alert SET resolved_at = greatest(opened_at, $3) WHERE kind = $1 AND subject = $2 AND resolved_at IS NULL RETURNING ${COLUMNS})
       SELECT * FROM changed`,
      [kind, subject, at],
    );
    if (rows.length === 0) return null;
    await this.record(rows[0].id, at, 'resolved', 'camnet', 'recovered');
    return this.changed(view(rows[0]), 'alert.resolved');
  }

  private changed(alert: AlertView, webhookEvent: 'alert.opened' | 'alert.resolved' | null): AlertView {
    const at = new Date(alert.resolved_at ?? alert.acked_at ?? alert.opened_at);
    this.bus.emit('alert.changed', { id: alert.id, kind: alert.kind, subject: alert.subject, state: alert.state, at });
    if (webhookEvent) this.webhook.notify(`#${alert.id} (${alert.kind} ${alert.subject})`, { event: webhookEvent, alert });
    return alert;
  }

  /**
   * Whether a maintenance window covers the subject ("camera:<code>" or
   * "station:<code>") at `at`: its own, its station's, or its commune's (named in
   * either layout).
   */
  private async inMaintenance(subject: string, at: Date): Promise<boolean> {
    const [type, code] = splitSubject(subject);
    let sql: string;
    if (type === 'camera') {
      sql = `SELECT 1 FROM maintenance_window m
              WHERE m.starts_at <= $2 AND m.ends_at > $2
                AND ((m.scope = 'camera' AND m.scope_id = $1)
                  OR EXISTS (SELECT 1 FROM camera c LEFT JOIN station s ON s.id = c.station_id
                              WHERE c.code = $1
                                AND ((m.scope = 'station' AND m.scope_id = s.code)
                                  OR (m.scope = 'commune' AND m.scope_id IN (c.commune_code, c.commune_code_2025))
                                  OR (m.scope = 'district' AND m.scope_id = (SELECT parent_code FROM admin_unit
                                        WHERE layout = '2019' AND level = 'commune' AND code = c.commune_code)))))
              LIMIT 1`;
    } else if (type === 'station') {
      sql = `SELECT 1 FROM maintenance_window m
              WHERE m.starts_at <= $2 AND m.ends_at > $2
                AND ((m.scope = 'station' AND m.scope_id = $1)
                  OR EXISTS (SELECT 1 FROM station s
                              WHERE s.code = $1 AND ((m.scope = 'commune' AND m.scope_id IN (s.commune_code, s.commune_code_2025))
                                OR (m.scope = 'district' AND m.scope_id = (SELECT parent_code FROM admin_unit
                                      WHERE layout = '2019' AND level = 'commune' AND code = s.commune_code)))))
              LIMIT 1`;
    } else {
      return false;
    }
    const rows = await this.db.query(sql, [code, at]);
    return rows.length > 0;
  }
}

function splitSubject(subject: string): [string, string] {
  const i = subject.indexOf(':');
  return i < 0 ? ['', subject] : [subject.slice(0, i), subject.slice(i + 1)];
}
