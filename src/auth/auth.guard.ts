import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from './api-token.entity';
import type { AuthContext } from './auth-context';
import { AuditService } from './audit.service';
import { actionOf, isWrite } from './audit.interceptor';
import { AUDIT_KEY, PENDING_PASSWORD_KEY, PUBLIC_KEY, QUERY_TOKEN_KEY, ROLES_KEY } from './roles.decorator';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './session.cookie';
import { SessionService } from './session.service';
import { TokenService } from './token.service';
import type { UserSession } from './user-session.entity';

/**
 * Who is calling, and may they: a machine token in `Authorization: Bearer`
 * (or `?access_token=` on the event stream only), else the session cookie of a
 * logged-in person, whose writes must echo the CSRF token. Then the roles the
 * route names. A route that names no roles is refused: forgetting @Roles must
 * fail closed. Refusals of an identified caller are audited.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** The session row behind a cookie request, for its CSRF check. */
  private readonly sessionOf = new WeakMap<Request, UserSession>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { auth?: AuthContext }>();
    const auth = await this.identify(req, this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN_KEY, targets) === true);
    req.auth = auth;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    let refusal: string | null = null;
    if (auth.sessionId && isWrite(req) && !this.sessions.csrfMatches(this.sessionOf.get(req)!, header(req, CSRF_HEADER))) {
      refusal = `a write with the session cookie must send the ${CSRF_HEADER} header with the value of the camnet_csrf cookie`;
    } else if (auth.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(PENDING_PASSWORD_KEY, targets)) {
      refusal = 'change your one-time password first: POST /api/auth/password {current_password, new_password}';
    } else if (!roles || roles.length === 0) {
      refusal = 'this route is not open to any role';
    } else if (!roles.includes(auth.role)) {
      refusal = `role "${auth.role}" may not call this route (allowed: ${roles.join(', ')})`;
    }
    if (refusal) {
      const action = actionOf(req, this.reflector.get<string | undefined>(AUDIT_KEY, ctx.getHandler()));
      await this.audit.refused(auth, action, req, 403, refusal);
      throw new ForbiddenException(refusal);
    }
    return true;
  }

  private async identify(req: Request, queryTokenAllowed: boolean): Promise<AuthContext> {
    const authorization = header(req, 'authorization');
    const fromQuery = typeof req.query?.access_token === 'string' ? req.query.access_token : undefined;
    if (authorization !== undefined || fromQuery !== undefined) {
      const plain = authorization !== undefined ? authorization.match(/^Bearer\s+(\S+)$/i)?.[1] : fromQuery;
      if (!plain) throw new UnauthorizedException('the Authorization header must be "Bearer <token>"');
      if (authorization === undefined && !queryTokenAllowed) {
        throw new UnauthorizedException('a token in the query string is accepted only on /api/events: send it as "Authorization: Bearer <token>"');
      }
      const token = await this.tokens.verify(plain);
      if (!token) throw new UnauthorizedException('unknown, revoked or expired token');
      return { tokenId: token.id, userId: null, sessionId: null, name: token.name, role: token.role };
    }
    const cookie = readCookie(req, SESSION_COOKIE);
    if (!cookie) throw new UnauthorizedException('log in (POST /api/auth/login) or send "Authorization: Bearer <token>"');
    const resolved = await this.sessions.resolve(cookie);
    if (!resolved) throw new UnauthorizedException('your session has ended or timed out: log in again');
    this.sessionOf.set(req, resolved.session);
    const { user, session } = resolved;
    return {
      tokenId: null,
      userId: user.id,
      sessionId: session.id,
      name: user.name,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
      scope: user.scopeKind && user.scopeCode ? { kind: user.scopeKind, code: user.scopeCode } : null,
    };
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}
