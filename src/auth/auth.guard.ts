import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from './api-token.entity';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { TokenService } from './token.service';

/**
 * Checks the bearer token of every request against the roles its route names.
 * A route that names no roles is refused: forgetting @Roles must fail closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers?.authorization;
    // EventSource cannot send headers, so the live stream also accepts ?access_token=.
    const fromQuery = typeof req.query?.access_token === 'string' ? req.query.access_token : undefined;
    const plain = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? fromQuery;
    if (!plain) throw new UnauthorizedException('missing bearer token (Authorization: Bearer <token>)');
    const token = await this.tokens.verify(plain);
    if (!token) throw new UnauthorizedException('unknown or revoked token');
    req.auth = { tokenId: token.id, name: token.name, role: token.role };
    if (!roles || roles.length === 0) throw new ForbiddenException('this route is not open to any role');
    if (!roles.includes(token.role)) {
      throw new ForbiddenException(`role "${token.role}" may not call this route (allowed: ${roles.join(', ')})`);
    }
    return true;
  }
}
