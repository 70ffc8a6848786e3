import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from './api-token.entity';
import type { Scope } from './user.entity';

/**
 * Who is calling: set on the request by the AuthGuard. A person logged in through
 * a session (userId and sessionId set), or an integration's machine token
 * (tokenId set); `name` is the person's or the token's name, for the audit.
 */
export interface AuthContext {
  tokenId: number | null;
  userId?: number | null;
  sessionId?: number | null;
  name: string;
  role: Role;
  /** A user limited to one district or commune; null or absent: the whole province. */
  scope?: Scope | null;
  /** A user logged in with a one-time password may only change it (and log out). */
  mustChangePassword?: boolean;
}

export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext | undefined => {
  return ctx.switchToHttp().getRequest().auth;
});

/** Whether this caller may see private owners' contacts. */
export function canSeeOwnerContacts(auth: AuthContext | undefined): boolean {
  return auth?.role === 'police' || auth?.role === 'admin';
}

/**
 * Whether this caller may see private cameras (citizens', businesses', households')
 * one by one: their positions, headings and codes. Technicians and planners get
 * them only as counts and coverage shares; the server enforces it on every route,
 * export and event (README, "Who sees private cameras").
 */
export function canSeePrivateCameras(auth: AuthContext | undefined): boolean {
  return auth?.role === 'police' || auth?.role === 'admin';
}

/** Both answers at once, as the inventory's services take them. */
export function cameraAccess(auth: AuthContext | undefined): { seesPrivate: boolean; seesOwners: boolean } {
  return { seesPrivate: canSeePrivateCameras(auth), seesOwners: canSeeOwnerContacts(auth) };
}
