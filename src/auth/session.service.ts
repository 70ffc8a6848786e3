/**
 * Browser sessions held on the server: the cookie is a random secret whose hash
 * names a user_session row; it ends on logout, "log out everywhere", a password
 * change or reset, a disabled user, after the idle timeout or the absolute one.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, Repository } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { randomSecret, sameSecret, sha256 } from './secret-token';
import { AppUser } from './user.entity';
import { UserSession } from './user-session.entity';

export interface ResolvedSession {
  session: UserSession;
  user: AppUser;
}

@Injectable()
export class SessionService {
  private readonly sessions: Repository<UserSession>;
  private readonly users: Repository<AppUser>;

  constructor(
    dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
  ) {
    this.sessions = dataSource.getRepository(UserSession);
    this.users = dataSource.getRepository(AppUser);
  }

  /** A new session: answers the cookie secret and the CSRF token, each shown to the browser only. */
  async open(user: AppUser): Promise<{ session: UserSession; cookie: string; csrf: string }> {
    const cookie = randomSecret('cs', 32);
    const csrf = randomSecret('cx', 24);
    const now = this.clock.now();
    const session = await this.sessions.save(
      this.sessions.create({ userId: user.id, tokenHash: sha256(cookie), csrfHash: sha256(csrf), createdAt: now, lastSeenAt: now }),
    );
    return { session, cookie, csrf };
  }

  /** The live session behind a cookie, with its active user; ends a session found timed out. */
  async resolve(cookie: string): Promise<ResolvedSession | null> {
    const session = await this.sessions.findOne({ where: { tokenHash: sha256(cookie), endedAt: IsNull() } });
    if (!session) return null;
    const now = this.clock.now();
    const expired = this.expiry(session, now);
    if (expired) {
      await this.endWhere({ id: session.id }, expired);
      return null;
    }
    const user = await this.users.findOne({ where: { id: session.userId } });
    if (!user || user.state !== 'active') return null;
    // One write per idle quarter, not per request: the idle timeout stays exact to that margin.
    if (now.getTime() - session.lastSeenAt.getTime() >= Math.min(60_000, (this.config.sessionIdleS * 1000) / 4)) {
      await this.sessions.update(session.id, { lastSeenAt: now });
      session.lastSeenAt = now;
    }
    return { session, user };
  }

  csrfMatches(session: UserSession, csrf: string | undefined): boolean {
    return typeof csrf === 'string' && csrf.length > 0 && sameSecret(sha256(csrf), session.csrfHash);
  }

  /** Of these session ids, those still live (for the event streams' re-check). */
  async liveIds(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const now = this.clock.now();
    const rows = await this.sessions.find({ where: { id: In(ids), endedAt: IsNull() } });
    const users = new Map((await this.users.find({ where: { id: In([...new Set(rows.map((r) => r.userId))]) } })).map((u) => [u.id, u]));
    return new Set(rows.filter((s) => !this.expiry(s, now) && users.get(s.userId)?.state === 'active').map((s) => s.id));
  }

  end(id: number, reason: string): Promise<number> {
    return this.endWhere({ id }, reason);
  }

  /** Ends every session of a user ("log out everywhere", password change, disabled); answers how many. */
  endAllOf(userId: number, reason: string, exceptId?: number): Promise<number> {
    return this.endWhere({ userId }, reason, exceptId);
  }

  /** Why the session is over by the clock, or null while it lives. */
  private expiry(s: UserSession, now: Date): string | null {
    if (now.getTime() - s.lastSeenAt.getTime() > this.config.sessionIdleS * 1000) return 'idle';
    if (now.getTime() - s.createdAt.getTime() > this.config.sessionMaxS * 1000) return 'max_age';
    return null;
  }

  private async endWhere(where: { id: number } | { userId: number }, reason: string, exceptId?: number): Promise<number> {
    const qb = this.sessions.createQueryBuilder().update(UserSession).set({ endedAt: this.clock.now(), endedReason: reason }).where('ended_at IS NULL');
    if ('id' in where) qb.andWhere('id = :id', { id: where.id });
    else qb.andWhere('user_id = :userId', { userId: where.userId });
    if (exceptId !== undefined) qb.andWhere('id <> :exceptId', { exceptId });
    return (await qb.execute()).affected ?? 0;
  }
}
