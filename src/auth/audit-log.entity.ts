import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One audited action: every write and every police read. */
@Entity('audit_log')
export class AuditLog {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ name: 'token_id', type: 'int', nullable: true }) tokenId: number | null;
  @Column({ type: 'text', nullable: true }) role: string | null;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text', nullable: true }) target: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) params: Record<string, unknown>;
}
