/**
 * An in-memory AlertStore: alerts and their histories in arrays, changed with the
 * repository's rules (one open alert per kind and subject, a resolution never
 * before the opening, the assignee's name read from their account at each read).
 * AlertService's unit spec uses it instead of a database;
 * test/support/alert-store.contract.ts holds it to the same answers as
 * AlertRepository on PostgreSQL and PGlite.
 */
import type { AlertListFilter, AlertRow, AlertStep, AlertStore } from '../../../src/alerts/alert.repository';
import type { AlertKind } from '../../../src/domain/alert';

type Stored = Omit<AlertRow, 'assigneeName'> & { assigneeUserId: number | null };

const later = (a: Date, b: Date) => (b > a ? b : a);

export class InMemoryAlertStore implements AlertStore {
  private readonly alerts: Stored[] = [];
  private readonly steps: Array<AlertStep & { alertId: number }> = [];
  /** Camera code → whether a station owns it (the others are private). */
  private readonly stationCameras = new Map<string, boolean>();
  /** Account id → the person's name. */
  private readonly people = new Map<number, string>();
  private nextId = 1;

  /** A camera the list's privacy filter can see; `station`: owned by a station (else private). */
  addCamera(code: string, station: boolean): this {
    this.stationCameras.set(code, station);
    return this;
  }

  /** An account whose name an assigned alert shows; renaming is calling it again. */
  addPerson(userId: number, name: string): this {
    this.people.set(userId, name);
    return this;
  }

  async open(kind: AlertKind, subject: string, at: Date, details: Record<string, unknown>): Promise<AlertRow | null> {
    if (this.alerts.some((a) => a.kind === kind && a.subject === subject && a.resolvedAt === null)) return null;
    const a: Stored = {
      id: this.nextId++,
      kind,
      subject,
      openedAt: new Date(at),
      ackedAt: null,
      ackedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      assignee: null,
      assigneeUserId: null,
      details: structuredClone(details),
    };
    this.alerts.push(a);
    return this.row(a);
  }

  async resolveOpen(kind: AlertKind, subject: string, at: Date): Promise<AlertRow | null> {
    const a = this.alerts.find((x) => x.kind === kind && x.subject === subject && x.resolvedAt === null);
    if (!a) return null;
    a.resolvedAt = later(a.openedAt, at);
    return this.row(a);
  }

  async resolveAllOpen(subject: string, at: Date, details: Record<string, unknown>): Promise<AlertRow[]> {
    return this.alerts
      .filter((a) => a.subject === subject && a.resolvedAt === null)
      .map((a) => {
        a.resolvedAt = later(a.openedAt, at);
        a.details = { ...a.details, ...structuredClone(details) };
        return this.row(a);
      });
  }

  async ack(id: number, at: Date, by: string): Promise<AlertRow | null> {
    const a = this.alerts.find((x) => x.id === id && x.ackedAt === null && x.resolvedAt === null);
    if (!a) return null;
    a.ackedAt = new Date(at);
    a.ackedBy = by;
    return this.row(a);
  }

  async resolveByHand(id: number, at: Date, by: string): Promise<AlertRow | null> {
    const a = this.alerts.find((x) => x.id === id && x.resolvedAt === null);
    if (!a) return null;
    a.resolvedAt = later(a.openedAt, at);
    a.resolvedBy = by;
    return this.row(a);
  }

  async assign(id: number, login: string | null, userId: number | null): Promise<AlertRow | null> {
    const a = this.alerts.find((x) => x.id === id);
    if (!a) return null;
    a.assignee = login;
    a.assigneeUserId = userId;
    return this.row(a);
  }

  async find(id: number): Promise<AlertRow | null> {
    const a = this.alerts.find((x) => x.id === id);
    return a ? this.row(a) : null;
  }

  async record(alertId: number, step: AlertStep): Promise<void> {
    this.steps.push({ ...step, at: new Date(step.at), alertId });
  }

  async history(alertId: number): Promise<AlertStep[]> {
    // A stable sort by time keeps steps at one time in the order recorded, as the id does in SQL.
    return this.steps
      .filter((s) => s.alertId === alertId)
      .sort((x, y) => x.at.getTime() - y.at.getTime())
      .map(({ alertId: _id, ...s }) => ({ ...s, at: new Date(s.at) }));
  }

  async list(f: AlertListFilter): Promise<AlertRow[]> {
    return this.alerts
      .filter((a) => {
        if (f.state === 'open' && (a.ackedAt !== null || a.resolvedAt !== null)) return false;
        if (f.state === 'acked' && (a.ackedAt === null || a.resolvedAt !== null)) return false;
        if (f.state === 'resolved' && a.resolvedAt === null) return false;
        if (f.subject !== undefined && a.subject !== f.subject) return false;
        if (f.assignee !== undefined && a.assignee !== f.assignee) return false;
        if (f.hidePrivateCameras && a.subject.startsWith('camera:') && this.stationCameras.get(a.subject.slice(7)) !== true) return false;
        return true;
      })
      .sort((x, y) => y.openedAt.getTime() - x.openedAt.getTime() || y.id - x.id)
      .slice(0, f.limit)
      .map((a) => this.row(a));
  }

  async openCount(): Promise<number> {
    return this.alerts.filter((a) => a.resolvedAt === null).length;
  }

  /** A copy, as a query would return, with the name read from the account now. */
  private row(a: Stored): AlertRow {
    const { assigneeUserId, ...rest } = a;
    return {
      ...rest,
      openedAt: new Date(a.openedAt),
      ackedAt: a.ackedAt && new Date(a.ackedAt),
      resolvedAt: a.resolvedAt && new Date(a.resolvedAt),
      details: structuredClone(a.details),
      assigneeName: assigneeUserId === null ? null : (this.people.get(assigneeUserId) ?? null),
    };
  }
}
