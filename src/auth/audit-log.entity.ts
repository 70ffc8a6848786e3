import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One audited action: every write and every police read, and the attempts refused. */
@Entity('audit_log')
export class AuditLog {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ name: 'token_id', type: 'int', nullable: true }) tokenId: number | null;
  @Column({ name: 'user_id', type: 'int', nullable: true }) userId: number | null;
  /** Who acted, as a person reads it: the user's name, or the machine token's name. */
  @Column({ type: 'text', nullable: true }) actor: string | null;
  @Column({ type: 'text', nullable: true }) role: string | null;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text', nullable: true }) target: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) params: Record<string, unknown>;
  /** 'refused' when the attempt was turned down (role, validation, a missing case_ref). */
  @Column({ type: 'text', default: 'ok' }) outcome: 'ok' | 'refused';
  /** The HTTP status a refused attempt got. */
  @Column({ type: 'int', nullable: true }) status: number | null;
}
