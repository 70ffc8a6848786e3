import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from './api-token.entity';

export const USER_STATES = ['active', 'disabled'] as const;
export type UserState = (typeof USER_STATES)[number];
export const SCOPE_KINDS = ['district', 'commune'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface Scope {
  kind: ScopeKind;
  code: string;
}

/** A person who logs in: only an argon2id hash of the password is kept. */
@Entity('app_user')
export class AppUser {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text', unique: true }) login: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) role: Role;
  @Column({ type: 'text', default: 'active' }) state: UserState;
  @Column({ name: 'password_hash', type: 'text', nullable: true }) passwordHash: string | null;
  @Column({ name: 'must_change_password', type: 'boolean', default: false }) mustChangePassword: boolean;
  @Column({ name: 'failed_logins', type: 'int', default: 0 }) failedLogins: number;
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true }) lockedUntil: Date | null;
  /** Null: the whole province. Else the user sees and acts on one district or commune (2019 codes). */
  @Column({ name: 'scope_kind', type: 'text', nullable: true }) scopeKind: ScopeKind | null;
  @Column({ name: 'scope_code', type: 'text', nullable: true }) scopeCode: string | null;
  /** "<issuer> <sub>" for a user of the agency's OpenID provider (no camnet password). */
  @Column({ name: 'oidc_subject', type: 'text', nullable: true, unique: true }) oidcSubject: string | null;
  /** The TOTP secret sealed with the service key (SecretBox); set at setup, in force once enabled. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true }) totpSecret: string | null;
  @Column({ name: 'totp_enabled', type: 'boolean', default: false }) totpEnabled: boolean;
  /** The last time step accepted: a code is never accepted twice. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true }) totpLastStep: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
