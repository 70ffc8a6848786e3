/**
 * People: create, change, disable, reset; checking a password with a lockout
 * after repeated failures; the first admin on first start.
 */
import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { badField, badRequest } from '../http-defaults';
import { Role, ROLES } from './api-token.entity';
import { PasswordHasher } from './password.hasher';
import { passwordProblems } from './password.policy';
import { AppUser, Scope, UserState } from './user.entity';
import { ScopeRepository } from './scope.repository';

/** Failed logins in a row that lock an account, and for how long. */
export const LOCKOUT_AFTER = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const FIRST_ADMIN_LOGIN = 'admin';

export interface NewUser {
  login: string;
  name: string;
  role: Role;
  scope?: Scope | null;
  /** Omitted: a one-time password is generated, to be changed at first login. */
  password?: string;
}

export interface UserChange {
  name?: string;
  role?: Role;
  scope?: Scope | null;
  state?: UserState;
}

export function normaliseLogin(login: string): string {
  return login.trim().toLowerCase();
}

/** 16 characters from an alphabet without look-alikes: easy to read out, ~93 bits. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
}

@Injectable()
export class UserService {
  private readonly users: Repository<AppUser>;

  constructor(
    dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly places: ScopeRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.users = dataSource.getRepository(AppUser);
  }

  list(): Promise<AppUser[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }

  async get(id: number): Promise<AppUser> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw new NotFoundException(`no user with id ${id}`);
    return user;
  }

  async create(input: NewUser): Promise<{ user: AppUser; oneTimePassword: string | null }> {
    const login = normaliseLogin(input.login);
    if (!/^[a-z0-9][a-z0-9._@-]{1,63}$/.test(login)) {
      throw badField('login', 'login must be 2 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit');
    }
    if (!ROLES.includes(input.role)) throw badField('role', `role must be one of ${ROLES.join(', ')}`);
    const generated = input.password === undefined ? oneTimePassword() : null;
    const password = input.password ?? generated!;
    if (generated === null) this.checkPolicy(password, login, 'password');
    await this.checkScope(input.role, input.scope);
    if (await this.users.exists({ where: { login } })) throw new ConflictException(`a user with login "${login}" exists already`);
    const now = this.clock.now();
    const user = await this.users.save(
      this.users.create({
        login,
        name: input.name.trim(),
        role: input.role,
        passwordHash: await this.hasher.hash(password),
        mustChangePassword: generated !== null,
        scopeKind: input.scope?.kind ?? null,
        scopeCode: input.scope?.code ?? null,
        createdAt: now,
        updatedAt: now,
      }),
    );
    return { user, oneTimePassword: generated };
  }

  async update(id: number, change: UserChange): Promise<AppUser> {
    const user = await this.get(id);
    if (change.role !== undefined && !ROLES.includes(change.role)) throw badField('role', `role must be one of ${ROLES.join(', ')}`);
    if (user.role === 'admin' && user.state === 'active' && ((change.role !== undefined && change.role !== 'admin') || change.state === 'disabled')) {
      await this.keepOneAdmin(user.id);
    }
    if (change.scope !== undefined || change.role !== undefined) {
      const scope = change.scope !== undefined ? change.scope : user.scopeKind ? { kind: user.scopeKind, code: user.scopeCode! } : null;
      await this.checkScope(change.role ?? user.role, scope);
    }
    Object.assign(user, {
      ...(change.scope !== undefined ? { scopeKind: change.scope?.kind ?? null, scopeCode: change.scope?.code ?? null } : {}),
      ...(change.name !== undefined ? { name: change.name.trim() } : {}),
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.state !== undefined ? { state: change.state, ...(change.state === 'active' ? { failedLogins: 0, lockedUntil: null } : {}) } : {}),
      updatedAt: this.clock.now(),
    });
    return this.users.save(user);
  }

  /** An admin's reset: a new one-time password, to be changed at the next login. */
  async resetPassword(id: number): Promise<{ user: AppUser; oneTimePassword: string }> {
    const user = await this.get(id);
    const password = oneTimePassword();
    user.passwordHash = await this.hasher.hash(password);
    user.mustChangePassword = true;
    // A reset is also the way back for a lost authenticator: the second factor is set up again.
    user.totpSecret = null;
    user.totpEnabled = false;
    user.totpLastStep = null;
    user.failedLogins = 0;
    user.lockedUntil = null;
    user.updatedAt = this.clock.now();
    return { user: await this.users.save(user), oneTimePassword: password };
  }

  async changePassword(id: number, current: string, next: string): Promise<AppUser> {
    const user = await this.get(id);
    if (!(await this.hasher.verify(user.passwordHash, current))) throw badField('current_password', "current_password is not this user's password");
    if (current === next) throw badField('new_password', 'new_password must differ from the current one');
    this.checkPolicy(next, user.login, 'new_password');
    user.passwordHash = await this.hasher.hash(next);
    user.mustChangePassword = false;
    user.updatedAt = this.clock.now();
    return this.users.save(user);
  }

  /**
   * The user if login and password match an active, unlocked account. Failures
   * count towards a lockout; the message never says which of login or password
   * was wrong.
   */
  async authenticate(loginRaw: string, password: string): Promise<AppUser> {
    const now = this.clock.now();
    const user = await this.users.findOne({ where: { login: normaliseLogin(loginRaw) } });
    if (user?.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
      throw new HttpException(
        { statusCode: 429, message: `too many failed logins: this account is locked until ${user.lockedUntil.toISOString()}; an admin can reset it` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const ok = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !ok) {
      if (user) {
        const failed = user.failedLogins + 1;
        await this.users.update(user.id, {
          failedLogins: failed >= LOCKOUT_AFTER ? 0 : failed,
          lockedUntil: failed >= LOCKOUT_AFTER ? new Date(now.getTime() + LOCKOUT_MS) : null,
        });
      }
      throw new UnauthorizedException('wrong login or password');
    }
    if (user.state !== 'active') throw new UnauthorizedException('this account is disabled; ask an admin');
    if (user.failedLogins > 0 || user.lockedUntil) await this.users.update(user.id, { failedLogins: 0, lockedUntil: null });
    return user;
  }

  /**
   * The first admin, when no user exists yet: with the configured password (never
   * printed), or a generated one-time password answered once for printing. Safe
   * when several replicas start together: only the one that inserts answers it.
   */
  async ensureFirstAdmin(configuredPassword: string | null): Promise<{ login: string; password: string } | null> {
    if ((await this.users.count()) > 0) return null;
    const password = configuredPassword ?? oneTimePassword();
    const now = this.clock.now();
    const rows: { id: number }[] = await this.users.query(
      `INSERT INTO app_user (login, name, role, password_hash, must_change_password, created_at, updated_at)
       SELECT $1, 'Administrator', 'admin', $2, $3, $4, $4 WHERE NOT EXISTS (SELECT 1 FROM app_user)
       ON CONFLICT (login) DO NOTHING RETURNING id`,
      [FIRST_ADMIN_LOGIN, await this.hasher.hash(password), configuredPassword === null, now],
    );
    return rows.length > 0 && configuredPassword === null ? { login: FIRST_ADMIN_LOGIN, password } : null;
  }

  /** A scope names an existing district or commune, and admins keep the whole province. */
  private async checkScope(role: Role, scope: Scope | null | undefined): Promise<void> {
    if (!scope) return;
    if (role === 'admin') throw badField('scope', 'an admin sees the whole province: give no scope');
    if ((scope.kind === 'district') !== (scope.code.length === 3)) throw badField('scope.code', 'a district code has 3 digits, a commune code 5');
    if (!(await this.places.exists(scope))) throw badField('scope.code', `no ${scope.kind} with code ${scope.code} in the 2019 layout`);
  }

  private checkPolicy(password: string, login: string, field: string): void {
    const problems = passwordProblems(password, login);
    if (problems.length) throw badRequest(problems.map((reason) => ({ field, reason })));
  }

  private async keepOneAdmin(exceptId: number): Promise<void> {
    const others = await this.users.createQueryBuilder('u').where("u.role = 'admin' AND u.state = 'active' AND u.id <> :id", { id: exceptId }).getCount();
    if (others === 0) throw new BadRequestException('this is the last active admin: make another user admin first');
  }
}
