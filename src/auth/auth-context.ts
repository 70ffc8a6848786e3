import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from './api-token.entity';

/** Who is calling: set on the request by the AuthGuard. */
export interface AuthContext {
  tokenId: number;
  name: string;
  role: Role;
}

export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext | undefined => {
  return ctx.switchToHttp().getRequest().auth;
});

/** Whether this caller may see private owners' contacts. */
export function canSeeOwnerContacts(auth: AuthContext | undefined): boolean {
  return auth?.role === 'police' || auth?.role === 'admin';
}
