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
}
