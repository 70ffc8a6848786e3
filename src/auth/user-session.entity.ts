import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A browser's login, held on the server so logging out, disabling the user or
 * "log out everywhere" ends it at once. Only hashes of the cookie and of the
 * CSRF token are stored.
 */
@Entity('user_session')
export class UserSession {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'user_id', type: 'int' }) userId: number;
  @Column({ name: 'token_hash', type: 'text', unique: true }) tokenHash: string;
  @Column({ name: 'csrf_hash', type: 'text' }) csrfHash: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;
  @Column({ name: 'ended_reason', type: 'text', nullable: true }) endedReason: string | null;
}
