import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ROLES = ['admin', 'technician', 'police', 'planner'] as const;
export type Role = (typeof ROLES)[number];

/** A machine token for an integration, sent as Authorization: Bearer; only its SHA-256 hash is stored. */
@Entity('api_token')
export class ApiToken {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) role: Role;
  @Column({ name: 'token_hash', type: 'text', unique: true }) tokenHash: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /** Null: valid until revoked. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  /** The admin who created it (null for tokens from before accounts, and the bootstrap token). */
  @Column({ name: 'created_by', type: 'int', nullable: true }) createdBy: number | null;
}
