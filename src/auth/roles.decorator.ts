import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-token.entity';

export const ROLES_KEY = 'camnet:roles';
export const PUBLIC_KEY = 'camnet:public';
export const AUDIT_KEY = 'camnet:audit';

/** The roles that may call a route. Every route must name its roles or be @Public(). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call (health checks, the map's static files). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * The audit action of a route ("camera.create", "search.near"). Writes are always
 * audited; reads with this mark are audited when the caller is police.
 */
export const Audited = (action: string) => SetMetadata(AUDIT_KEY, action);

export const QUERY_TOKEN_KEY = 'camnet:query-token';
export const PENDING_PASSWORD_KEY = 'camnet:pending-password';

/**
 * The route accepts a machine token as ?access_token= (EventSource cannot send
 * headers). Only the live event stream has it: a token in a URL ends up in logs.
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN_KEY, true);

/** A user who must still change a one-time password may call this route (whoami, change password, logout). */
export const AllowPendingPassword = () => SetMetadata(PENDING_PASSWORD_KEY, true);
