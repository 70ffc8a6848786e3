import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, Observable, switchMap } from 'rxjs';
import { AuditService } from './audit.service';
import type { AuthContext } from './auth-context';
import { AUDIT_KEY } from './roles.decorator';

/**
 * Writes the audit log after a successful call: every write (non-GET) and every
 * police read of an @Audited route. The action comes from @Audited, or is derived
 * from the method and path for writes that forgot it.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest();
    const auth: AuthContext | undefined = req.auth;
    const action = this.reflector.get<string | undefined>(AUDIT_KEY, ctx.getHandler());
    const isWrite = req.method !== 'GET' && req.method !== 'HEAD';
    const policeRead = !isWrite && auth?.role === 'police' && action !== undefined;
    if (!isWrite && !policeRead) return next.handle();
    return next.handle().pipe(
      switchMap((result) =>
        from(
          this.audit
            .record(auth, action ?? `${req.method.toLowerCase()} ${req.route?.path ?? req.path}`, targetOf(req.params), {
              ...(Object.keys(req.query ?? {}).length ? { query: req.query } : {}),
              ...(isWrite && req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? { body: summarize(req.body) } : {}),
            })
            .then(() => result),
        ),
      ),
    );
  }
}

function targetOf(params: Record<string, string> | undefined): string | null {
  if (!params) return null;
  return params.code ?? params.id ?? null;
}

/** Keeps audit rows small: long arrays (an import's rows) are counted, not copied. */
function summarize(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) && v.length > 20 ? `[${v.length} items]` : v]));
}
