/**
 * What a person does with their account, and what an admin does to others',
 * with the consequences that must follow: sessions and live streams end when a
 * user is disabled, reset or logs out everywhere; a token's streams end when it
 * is revoked.
 */
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { AccessWatch } from './access.watch';
import { AuditService } from './audit.service';
import type { AuthContext } from './auth-context';
import { SessionService } from './session.service';
import { TokenService } from './token.service';
import { TotpService } from './totp.service';
import { AppUser } from './user.entity';
import { NewUser, UserChange, UserService } from './user.service';

export interface UserView {
  id: number;
  login: string;
  name: string;
  role: string;
  state: string;
  must_change_password: boolean;
  totp_enabled: boolean;
  scope: { kind: string; code: string | null } | null;
  locked_until: string | null;
  created_at: string;
}

export function viewOf(u: AppUser): UserView {
  return {
    id: u.id,
    login: u.login,
    name: u.name,
    role: u.role,
    state: u.state,
    must_change_password: u.mustChangePassword,
    totp_enabled: u.totpEnabled,
    scope: u.scopeKind ? { kind: u.scopeKind, code: u.scopeCode } : null,
    locked_until: u.lockedUntil?.toISOString() ?? null,
    created_at: u.createdAt.toISOString(),
  };
}

@Injectable()
export class AccountService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly tokens: TokenService,
    private readonly watch: AccessWatch,
    private readonly audit: AuditService,
    private readonly totp: TotpService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Checks login and password and opens a session; a refused login is audited under the login it tried. */
  async login(login: string, password: string, totp?: string): Promise<{ auth: AuthContext; user: AppUser; cookie: string; csrf: string }> {
    let user: AppUser;
    try {
      user = await this.users.authenticate(login, password);
      if (user.totpEnabled) await this.totp.verifyLogin(user, totp);
    } catch (err) {
      await this.audit.record(
        undefined,
        'auth.login',
        login.slice(0, 64),
        { reason: (err as Error).message },
        { status: (err as { status?: number }).status ?? 401 },
      );
      throw err;
    }
    const { session, cookie, csrf } = await this.sessions.open(user);
    return { auth: contextOf(user, session.id), user, cookie, csrf };
  }

  /** A person the identity provider vouched for: a session like a password login's. */
  async loginVouched(user: AppUser): Promise<{ auth: AuthContext; cookie: string; csrf: string }> {
    const { session, cookie, csrf } = await this.sessions.open(user);
    return { auth: contextOf(user, session.id), cookie, csrf };
  }

  async logout(auth: AuthContext): Promise<void> {
    if (!auth.sessionId) throw new BadRequestException('a machine token has no session to end: an admin revokes it with DELETE /api/tokens/{id}');
    await this.sessions.end(auth.sessionId, 'logout');
    this.watch.ended({ sessionId: auth.sessionId });
  }

  async logoutEverywhere(auth: AuthContext): Promise<number> {
    if (!auth.userId) throw new BadRequestException('a machine token has no sessions: an admin revokes it with DELETE /api/tokens/{id}');
    const ended = await this.sessions.endAllOf(auth.userId, 'logout_everywhere');
    this.watch.ended({ userId: auth.userId });
    return ended;
  }

  /** Changes one's own password; every other session of the user ends. */
  async changePassword(auth: AuthContext, current: string, next: string): Promise<AppUser> {
    if (!auth.userId) throw new BadRequestException('a machine token has no password');
    const user = await this.users.changePassword(auth.userId, current, next);
    await this.sessions.endAllOf(user.id, 'password_changed', auth.sessionId ?? undefined);
    return user;
  }

  async setupTotp(auth: AuthContext) {
    if (!auth.userId) throw new BadRequestException('a machine token has no second factor');
    return this.totp.setup(await this.users.get(auth.userId));
  }

  async enableTotp(auth: AuthContext, code: string) {
    if (!auth.userId) throw new BadRequestException('a machine token has no second factor');
    await this.totp.enable(await this.users.get(auth.userId), code);
  }

  create(input: NewUser) {
    return this.users.create(input);
  }

  async update(id: number, change: UserChange): Promise<AppUser> {
    const user = await this.users.update(id, change);
    if (change.state === 'disabled') {
      await this.sessions.endAllOf(id, 'disabled');
      this.watch.ended({ userId: id });
    }
    return user;
  }

  async resetPassword(id: number) {
    const reset = await this.users.resetPassword(id);
    await this.sessions.endAllOf(id, 'password_reset');
    this.watch.ended({ userId: id });
    return reset;
  }

  async revokeToken(id: number) {
    const token = await this.tokens.revoke(id, this.clock.now());
    this.watch.ended({ tokenId: id });
    return token;
  }
}

export function contextOf(user: AppUser, sessionId: number): AuthContext {
  const scope = user.scopeKind && user.scopeCode ? { kind: user.scopeKind, code: user.scopeCode } : null;
  return { tokenId: null, userId: user.id, sessionId, name: user.name, role: user.role, mustChangePassword: user.mustChangePassword, scope };
}
