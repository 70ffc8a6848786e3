import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';
import { AuditService } from './audit.service';
import type { AuthContext } from './auth-context';
import { AUDIT_KEY } from './roles.decorator';

export function isWrite(req: { method: string }): boolean {
  return req.method !== 'GET' && req.method !== 'HEAD';
}

/** The audit action of a request: its @Audited name, or the method and route path. */
export function actionOf(req: { method: string; route?: { path?: string }; path: string }, audited: string | undefined): string {
  return audited ?? `${req.method.toLowerCase()} ${req.route?.path ?? req.path}`;
}

/**
 * Writes the audit log: every write (non-GET) and every police read of an
 * @Audited route after it succeeded; and every write or police read that was
 * refused (a 4xx: validation, a missing case_ref, a conflict), with its status
 * and reason. Routes that audit themselves (the incident search) still have
 * their refusals recorded here.
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
    const audited = this.reflector.get<string | undefined>(AUDIT_KEY, ctx.getHandler());
    const write = isWrite(req);
    const policeRead = !write && auth?.role === 'police';
    if (!write && !policeRead) return next.handle();
    const action = actionOf(req, audited);
    return next.handle().pipe(
      catchError((err) => {
        const status = err instanceof HttpException ? err.getStatus() : 500;
        if (!auth || status < 400 || status >= 500) return throwError(() => err);
        return from(this.audit.refused(auth, action, req, status, err.message)).pipe(switchMap(() => throwError(() => err)));
      }),
      switchMap((result) => {
        if (!write && audited === undefined) return [result];
        return from(
          this.audit
            .record(auth, action, targetOf(req.params), {
              ...(Object.keys(req.query ?? {}).length ? { query: req.query } : {}),
              ...(write && req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? { body: summarize(req.body) } : {}),
            })
            .then(() => result),
        );
      }),
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
