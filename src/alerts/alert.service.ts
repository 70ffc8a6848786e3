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
import { CLOCK, Clock } from '../common/clock';
import { AlertActionEvent, EventBus } from '../common/event-bus';
import { METRICS } from '../health/metrics';
import type { AlertKind } from '../domain/alert';
import { normaliseLogin } from '../auth/user.service';
import { MaintenanceRepository, type MaintenanceCheck } from '../monitoring/maintenance.repository';
import { AlertAssignees } from './alert-assignees';
import { AlertEventAction } from './alert.entity';
import { AlertRepository, AlertRow, AlertStore } from './alert.repository';
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

/** Who an alert may be handed to (AlertAssignees checks the account and its scope). */
export type AssigneeCheck = Pick<AlertAssignees, 'resolve'>;

export function stateOf(a: Pick<AlertRow, 'ackedAt' | 'resolvedAt'>): AlertState {
  return a.resolvedAt ? 'resolved' : a.ackedAt ? 'acked' : 'open';
}

function view(a: AlertRow): AlertView {
  return {
    id: a.id,
    kind: a.kind,
    subject: a.subject,
    state: stateOf(a),
    opened_at: a.openedAt.toISOString(),
    acked_at: a.ackedAt?.toISOString() ?? null,
    acked_by: a.ackedBy,
    resolved_at: a.resolvedAt?.toISOString() ?? null,
    resolved_by: a.resolvedBy ?? null,
    assignee: a.assignee ?? null,
    assignee_name: a.assigneeName ?? null,
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
    @Inject(AlertRepository) private readonly store: AlertStore,
    @Inject(MaintenanceRepository) private readonly maintenance: MaintenanceCheck,
    private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WebhookNotifier) private readonly webhook: Pick<WebhookNotifier, 'notify'>,
    @Inject(METRICS) metrics: Registry,
    @Inject(AlertAssignees) private readonly assignees: AssigneeCheck,
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
      if (ev.status === 'maintenance')
        void this.enqueueTask(`close for maintenance ${ev.subject}:${ev.code}`, () => this.closeForMaintenance(`${ev.subject}:${ev.code}`, ev.at));
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
    const rows = await this.store.resolveAllOpen(subject, at, { resolution: 'maintenance' });
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
    // Maintenance silences the opening only: a resolve inside a window still resolves (above).
    if (await this.maintenance.coversSubject(action.subject, action.at)) {
      this.silenced.inc();
      this.logger.debug(`alert ${action.kind} for ${action.subject} silenced by maintenance`);
      return null;
    }
    const row = await this.store.open(action.kind, action.subject, action.at, action.details ?? {});
    if (row === null) return null; // already open
    await this.record(row.id, action.at, 'opened', 'camnet', null);
    return this.changed(view(row), 'alert.opened');
  }

  /** Acknowledges an alert (with an optional note); acknowledging again changes nothing but adds the note. */
  async ack(id: number, by: string, note: string | null = null): Promise<AlertView> {
    const at = this.clock.now();
    const row = await this.store.ack(id, at, by);
    if (row !== null) {
      await this.record(id, at, 'acked', by, note);
      return this.changed(view(row), null);
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
    const row = await this.store.assign(id, person?.login ?? null, person?.user_id ?? null);
    if (row === null) throw new NotFoundException(`no alert with id ${id}`);
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
    const row = await this.store.resolveByHand(id, at, by);
    if (row === null) throw new ConflictException(`alert ${id} was resolved meanwhile`);
    await this.record(id, at, 'resolved', by, note);
    return this.changed(view(row), 'alert.resolved');
  }

  /** One alert with its whole history, oldest step first. */
  async get(id: number): Promise<AlertView & { history: AlertHistoryEntry[] }> {
    const a = await this.existing(id);
    const steps = await this.store.history(id);
    return { ...view(a), history: steps.map((e) => ({ at: e.at.toISOString(), action: e.action, by: e.by, note: e.note, assignee: e.assignee })) };
  }

  private async existing(id: number): Promise<AlertRow> {
    const a = await this.store.find(id);
    if (!a) throw new NotFoundException(`no alert with id ${id}`);
    return a;
  }

  private async unresolved(id: number, what: string): Promise<AlertRow> {
    const a = await this.existing(id);
    if (a.resolvedAt) throw new ConflictException(`alert ${id} was resolved at ${a.resolvedAt.toISOString()}; there is nothing to ${what}`);
    return a;
  }

  private record(alertId: number, at: Date, action: AlertEventAction, by: string | null, note: string | null, assignee: string | null = null): Promise<void> {
    return this.store.record(alertId, { at, action, by, note, assignee });
  }

  /** Alerts newest first; 'open' = neither acknowledged nor resolved, 'acked' = acknowledged, not resolved. */
  /** Without `filter.seesPrivate`, alerts about private cameras are left out (they reach technicians as counts only). */
  async list(state: AlertState | undefined, limit = 100, filter: { subject?: string; assignee?: string; seesPrivate?: boolean } = {}): Promise<AlertView[]> {
    const rows = await this.store.list({
      state,
      limit,
      subject: filter.subject,
      assignee: filter.assignee === undefined ? undefined : normaliseLogin(filter.assignee),
      hidePrivateCameras: filter.seesPrivate === false,
    });
    return rows.map(view);
  }

  /** Alerts not resolved yet, acknowledged or not. */
  openAlertCount(): Promise<number> {
    return this.store.openCount();
  }

  private async resolve(kind: AlertKind, subject: string, at: Date): Promise<AlertView | null> {
    const row = await this.store.resolveOpen(kind, subject, at);
    if (row === null) return null;
    await this.record(row.id, at, 'resolved', 'camnet', 'recovered');
    return this.changed(view(row), 'alert.resolved');
  }

  private changed(alert: AlertView, webhookEvent: 'alert.opened' | 'alert.resolved' | null): AlertView {
    const at = new Date(alert.resolved_at ?? alert.acked_at ?? alert.opened_at);
    this.bus.emit('alert.changed', { id: alert.id, kind: alert.kind, subject: alert.subject, state: alert.state, at });
    if (webhookEvent) this.webhook.notify(`#${alert.id} (${alert.kind} ${alert.subject})`, { event: webhookEvent, alert });
    return alert;
  }
}
