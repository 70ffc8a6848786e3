/**
 * The optional TOTP second factor (RFC 6238, 30 s steps, 6 digits) for admins and
 * police: a secret set up by the user and confirmed with a first code, sealed
 * with the service key at rest; each code accepted once; ±1 step of clock drift.
 */
import { BadRequestException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import type { Role } from './api-token.entity';
import { AppUser } from './user.entity';

export const TOTP_ROLES: readonly Role[] = ['admin', 'police'];
const PERIOD_S = 30;

@Injectable()
export class TotpService {
  private readonly users: Repository<AppUser>;

  constructor(
    dataSource: DataSource,
    private readonly box: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.users = dataSource.getRepository(AppUser);
  }

  /** A new secret for the user's authenticator app (not in force until confirmed). */
  async setup(user: AppUser): Promise<{ secret: string; uri: string }> {
    if (!TOTP_ROLES.includes(user.role))
      throw new BadRequestException(`a second factor is offered to ${TOTP_ROLES.join(' and ')} accounts, not to ${user.role}`);
    if (user.totpEnabled) throw new BadRequestException("a second factor is already in force; an admin's password reset removes it");
    const secret = generateSecret();
    await this.users.update(user.id, { totpSecret: this.box.encrypt(secret) });
    return { secret, uri: generateURI({ issuer: 'camnet', label: user.login, secret }) };
  }

  /** Puts the set-up secret in force once the user shows a code from it. */
  async enable(user: AppUser, code: string): Promise<void> {
    if (user.totpEnabled) throw new BadRequestException('a second factor is already in force');
    if (!user.totpSecret) throw new BadRequestException('set up a second factor first: POST /api/auth/totp/setup');
    const step = this.check(user, code);
    if (step === null) throw new BadRequestException("code is not the current code of the authenticator app (check the phone's clock)");
    await this.users.update(user.id, { totpEnabled: true, totpLastStep: String(step) });
  }

  /** At login: throws 401 unless `code` is a fresh, valid code of the user's secret. */
  async verifyLogin(user: AppUser, code: string | undefined): Promise<void> {
    if (!code)
      throw new UnauthorizedException({ statusCode: 401, message: 'this account needs the code of its authenticator app (field totp)', totp_required: true });
    const step = this.check(user, code);
    if (step === null) throw new UnauthorizedException({ statusCode: 401, message: 'wrong or already used authenticator code', totp_required: true });
    // Conditional update: two logins racing with the same code cannot both pass.
    const res = await this.users
      .createQueryBuilder()
      .update(AppUser)
      .set({ totpLastStep: String(step) })
      .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id: user.id, step })
      .execute();
    if (!res.affected) throw new UnauthorizedException({ statusCode: 401, message: 'wrong or already used authenticator code', totp_required: true });
  }

  /** The time step the code belongs to, if valid within ±1 step and newer than the last one used; else null. */
  private check(user: AppUser, code: string): number | null {
    if (!/^\d{6}$/.test(code) || !user.totpSecret) return null;
    const secret = this.box.decrypt(user.totpSecret);
    const nowS = Math.floor(this.clock.now().getTime() / 1000);
    const last = user.totpLastStep === null ? -1 : Number(user.totpLastStep);
    for (const offset of [0, -1, 1]) {
      const epoch = nowS + offset * PERIOD_S;
      const step = Math.floor(epoch / PERIOD_S);
      if (step > last && verifySync({ secret, token: code, epoch }).valid) return step;
    }
    return null;
  }
}
