import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In, IsNull, Repository } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { ApiToken, Role, ROLES } from './api-token.entity';
import { randomSecret, sha256 } from './secret-token';

export const hashToken = sha256;

export function generateToken(): string {
  return randomSecret('cn');
}

export interface CreateTokenOptions {
  expiresAt?: Date | null;
  createdBy?: number | null;
}

/**
 * Machine tokens for integrations (scripts, the webhook consumer, automation):
 * only hashes are stored; the plain token is shown once, at creation. A token is
 * valid until revoked or past its expiry.
 */
@Injectable()
export class TokenService {
  private readonly tokens: Repository<ApiToken>;

  constructor(
    dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.tokens = dataSource.getRepository(ApiToken);
  }

  async create(name: string, role: Role, plain: string = generateToken(), options: CreateTokenOptions = {}): Promise<{ token: string; record: ApiToken }> {
    if (!ROLES.includes(role)) throw new BadRequestException(`role must be one of ${ROLES.join(', ')}, got "${role}"`);
    if (options.expiresAt && options.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestException(`expires_at must lie in the future, got ${options.expiresAt.toISOString()}`);
    }
    const record = await this.tokens.save(
      this.tokens.create({ name, role, tokenHash: hashToken(plain), expiresAt: options.expiresAt ?? null, createdBy: options.createdBy ?? null }),
    );
    return { token: plain, record };
  }

  /** The token if it is known, not revoked and not expired. */
  async verify(plain: string): Promise<ApiToken | null> {
    const token = await this.tokens.findOne({ where: { tokenHash: hashToken(plain), revokedAt: IsNull() } });
    return token && isLive(token, this.clock.now()) ? token : null;
  }

  /** Of these token ids, those still valid (for the live streams' re-check). */
  async liveIds(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const now = this.clock.now();
    const rows = await this.tokens.find({ where: { id: In(ids), revokedAt: IsNull() } });
    return new Set(rows.filter((t) => isLive(t, now)).map((t) => t.id));
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
   * The bootstrap token from the configuration, for automation: created once
   * (idempotent across starts and replicas), never printed. Answers whether it is valid.
   */
  async ensureBootstrapToken(bootstrap: string): Promise<boolean> {
    const existing = await this.tokens.findOne({ where: { tokenHash: hashToken(bootstrap) } });
    if (!existing) {
      await this.tokens.query(`INSERT INTO api_token (name, role, token_hash) VALUES ('bootstrap', 'admin', $1) ON CONFLICT (token_hash) DO NOTHING`, [
        hashToken(bootstrap),
      ]);
      return true;
    }
    return existing.revokedAt === null;
  }
}

function isLive(token: ApiToken, now: Date): boolean {
  return token.revokedAt === null && (token.expiresAt === null || token.expiresAt.getTime() > now.getTime());
}
