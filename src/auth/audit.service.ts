import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import type { AuthContext } from './auth-context';
import { AuditLog } from './audit-log.entity';

/** Secret-looking keys are never written to the audit log. */
const SECRET_KEYS = /password|secret|token/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

@Injectable()
export class AuditService {
  private readonly log: Repository<AuditLog>;

  constructor(dataSource: DataSource, @Inject(CLOCK) private readonly clock: Clock) {
    this.log = dataSource.getRepository(AuditLog);
  }

  async record(auth: AuthContext | undefined, action: string, target: string | null, params: Record<string, unknown>): Promise<void> {
    await this.log.insert({
      at: this.clock.now(),
      tokenId: auth?.tokenId ?? null,
      role: auth?.role ?? null,
      action,
      target,
      params: redact(params) as AuditLog['params'] & object,
    });
  }

  list(action: string | undefined, limit: number): Promise<AuditLog[]> {
    return this.log.find({ where: action ? { action } : {}, order: { id: 'DESC' }, take: limit });
  }
}
