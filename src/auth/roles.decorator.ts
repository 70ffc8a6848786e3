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
