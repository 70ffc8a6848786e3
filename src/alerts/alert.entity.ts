import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ALERT_KINDS = [
  'offline',
  'station_down',
  'turned',
  'clock_drift',
  'auth_failed',
  'view_dark',
  'view_blocked',
  'view_blurred',
  'view_frozen',
  'view_moved',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

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
}
