import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertKind } from '../domain/alert';

/** An alert: opened by the status machine, acknowledged by a technician, resolved on recovery. */
@Entity('alert')
export class Alert {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) kind: AlertKind;
  /** "camera:<code>" or "station:<code>". */
  @Column({ type: 'text' }) subject: string;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt: Date;
  @Column({ name: 'acked_at', type: 'timestamptz', nullable: true }) ackedAt: Date | null;
  @Column({ name: 'acked_by', type: 'text', nullable: true }) ackedBy: string | null;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) details: Record<string, unknown>;
  /** Who works on it: the login of a person's account (older free text may remain, unlinked). */
  @Column({ type: 'text', nullable: true }) assignee: string | null;
  /** That account (app_user.id); null when unassigned or for free text from before accounts. */
  @Column({ name: 'assignee_user_id', type: 'int', nullable: true }) assigneeUserId: number | null;
  /** Who resolved it by hand; null when camnet resolved it (recovery, maintenance). */
  @Column({ name: 'resolved_by', type: 'text', nullable: true }) resolvedBy: string | null;
}

export const ALERT_EVENT_ACTIONS = ['opened', 'acked', 'assigned', 'note', 'resolved'] as const;
export type AlertEventAction = (typeof ALERT_EVENT_ACTIONS)[number];

/** One step in an alert's history: kept, never changed. */
@Entity('alert_event')
export class AlertEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'alert_id', type: 'int' }) alertId: number;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) action: AlertEventAction;
  @Column({ type: 'text', nullable: true }) by: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ type: 'text', nullable: true }) assignee: string | null;
}
