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

/** The audit log: who (person or machine token, by name and role), what, on what, and whether it was refused. */
@Injectable()
export class AuditService {
  private readonly log: Repository<AuditLog>;

  constructor(
    dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.log = dataSource.getRepository(AuditLog);
  }

  async record(
    auth: AuthContext | undefined,
    action: string,
    target: string | null,
    params: Record<string, unknown>,
    refusal?: { status: number },
  ): Promise<void> {
    await this.log.insert({
      at: this.clock.now(),
      tokenId: auth?.tokenId ?? null,
      userId: auth?.userId ?? null,
      actor: auth?.name ?? null,
      role: auth?.role ?? null,
      action,
      target,
      params: redact(params) as AuditLog['params'] & object,
      outcome: refusal ? 'refused' : 'ok',
      status: refusal?.status ?? null,
    });
  }

  /** A refused attempt: what was asked (query, route parameters) and why it was refused. */
  refused(
    auth: AuthContext | undefined,
    action: string,
    req: { params?: Record<string, unknown>; query?: unknown },
    status: number,
    reason: string,
  ): Promise<void> {
    const query = req.query && typeof req.query === 'object' && Object.keys(req.query).length ? { query: req.query } : {};
    const target = req.params?.code ?? req.params?.id;
    return this.record(auth, action, typeof target === 'string' ? target : null, { ...query, reason }, { status });
  }

  list(action: string | undefined, limit: number): Promise<AuditLog[]> {
    return this.log.find({ where: action ? { action } : {}, order: { id: 'DESC' }, take: limit });
  }
}
