import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull, Repository } from 'typeorm';
import { ApiToken, Role, ROLES } from './api-token.entity';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `cn_${randomBytes(24).toString('base64url')}`;
}

/** Bearer tokens: only hashes are stored; the plain token is shown once, at creation. */
@Injectable()
export class TokenService {
  private readonly tokens: Repository<ApiToken>;

  constructor(dataSource: DataSource) {
    this.tokens = dataSource.getRepository(ApiToken);
  }

  async create(name: string, role: Role, plain: string = generateToken()): Promise<{ token: string; record: ApiToken }> {
    if (!ROLES.includes(role)) throw new BadRequestException(`role must be one of ${ROLES.join(', ')}, got "${role}"`);
    const record = await this.tokens.save(this.tokens.create({ name, role, tokenHash: hashToken(plain) }));
    return { token: plain, record };
  }

  async verify(plain: string): Promise<ApiToken | null> {
    return this.tokens.findOne({ where: { tokenHash: hashToken(plain), revokedAt: IsNull() } });
  }

  list(): Promise<ApiToken[]> {
    return this.tokens.find({ order: { id: 'ASC' } });
  }

  async revoke(id: number, at: Date): Promise<ApiToken> {
    const token = await this.tokens.findOne({ where: { id } });
    if (!token) throw new NotFoundException(`no token with id ${id}`);
    if (!token.revokedAt) {
      token.revokedAt = at;
      await this.tokens.save(token);
    }
    return token;
  }

  /**
   * Makes sure an admin can log in on first start: the bootstrap token from the
   * configuration (idempotent), or a generated one when no admin token exists yet.
   * Answers the plain token when one was created or configured, else null.
   */
  async ensureAdminToken(bootstrap: string | null): Promise<string | null> {
    if (bootstrap) {
      const existing = await this.tokens.findOne({ where: { tokenHash: hashToken(bootstrap) } });
      if (!existing) await this.create('bootstrap', 'admin', bootstrap);
      else if (existing.revokedAt) return null;
      return bootstrap;
    }
    const admins = await this.tokens.count({ where: { role: 'admin', revokedAt: IsNull() } });
    if (admins > 0) return null;
    return (await this.create('first admin', 'admin')).token;
  }
}
