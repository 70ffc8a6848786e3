/**
 * Scopes applied to the routes marked @Scoped: a user limited to one district or
 * commune lists, reads and acts on the cameras, alerts and search results of
 * that place only. Machine tokens and unscoped users see the whole province.
 *
 * - `camera-list`: the list is filtered to the scope (a filter outside it → 403);
 * - `camera`: a camera (by :code) outside the scope → 403; `camera-create`: the
 *   new camera's commune must lie in the scope;
 * - `alerts`: alerts on cameras and stations outside the scope are left out;
 * - `search`: cameras outside the scope are left out of the results (JSON and CSV), and the
 *   counts are recounted from the cameras kept.
 */
import { CallHandler, ExecutionContext, ForbiddenException, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, Observable, switchMap } from 'rxjs';
import { csvLine } from '../common/csv';
import { COUNTS_LABEL, CountedCamera, countsCell, countsOf } from '../domain/search-counts';
import type { AuthContext } from './auth-context';
import { ScopeRepository } from './scope.repository';
import type { Scope } from './user.entity';

export type ScopeRule = 'camera-list' | 'camera' | 'camera-create' | 'alerts' | 'search';
export const SCOPED_KEY = 'camnet:scoped';
/** How a user's district or commune scope applies to this route (see ScopeInterceptor). */
export const Scoped = (rule: ScopeRule) => SetMetadata(SCOPED_KEY, rule);

const describe = (s: Scope) => `${s.kind} ${s.code}`;

@Injectable()
export class ScopeInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly places: ScopeRepository,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest();
    const scope = (req.auth as AuthContext | undefined)?.scope;
    const rule = this.reflector.get<ScopeRule | undefined>(SCOPED_KEY, ctx.getHandler());
    if (!scope || !rule) return next.handle();
    return from(this.before(rule, scope, req)).pipe(
      switchMap((communes) => next.handle().pipe(switchMap((result) => from(this.after(rule, communes, result))))),
    );
  }

  private async before(rule: ScopeRule, scope: Scope, req: ScopedRequest): Promise<Set<string>> {
    const communes = await this.places.communes(scope);
    if (rule === 'camera-list') {
      const q = { ...req.query };
      if (q.commune !== undefined && !communes.has(String(q.commune)))
        throw new ForbiddenException(`commune ${q.commune} lies outside your scope (${describe(scope)})`);
      if (q.district !== undefined && !(scope.kind === 'district' && q.district === scope.code)) {
        throw new ForbiddenException(`district ${q.district} lies outside your scope (${describe(scope)})`);
      }
      if (scope.kind === 'district') q.district = scope.code;
      else q.commune = scope.code;
      // Express 5 computes req.query on each read: an own property replaces it for this request.
      Object.defineProperty(req, 'query', { value: q, writable: true, configurable: true });
    } else if (rule === 'camera') {
      const commune = await this.places.communeOf('camera', String(req.params.code));
      if (commune !== null && !communes.has(commune)) throw new ForbiddenException(`camera ${req.params.code} lies outside your scope (${describe(scope)})`);
    } else if (rule === 'camera-create') {
      const commune = req.body?.commune_code;
      if (commune !== undefined && !communes.has(String(commune)))
        throw new ForbiddenException(`commune_code ${commune} lies outside your scope (${describe(scope)})`);
    }
    return communes;
  }

  private async after(rule: ScopeRule, communes: Set<string>, answer: unknown): Promise<unknown> {
    if (rule === 'alerts' && Array.isArray(answer)) {
      const alerts = answer as { subject: string }[];
      const inside = await this.places.subjectsIn(
        alerts.map((a) => a.subject),
        communes,
      );
      return alerts.filter((a) => inside.has(a.subject));
    }
    const result = answer as { cameras?: unknown } | string | null;
    if (rule === 'search' && result && typeof result === 'object' && Array.isArray(result.cameras)) {
      const cameras = result.cameras as (CountedCamera & { code: string })[];
      const inside = await this.places.camerasIn(
        cameras.map((c) => c.code),
        communes,
      );
      const kept = cameras.filter((c) => inside.has(c.code));
      // The counts are the scope's too: the province's would tell what lies outside it.
      return { ...result, counts: countsOf(kept), cameras: kept };
    }
    if (rule === 'search' && typeof result === 'string') {
      // The case-file CSV (SearchService.nearCsv): the byte-order mark and the particulars (two-cell rows
      // whose first cell is a lower-case label), a blank row, the header, then one camera per line, its
      // code (upper case, digits, dashes) first. The particulars and the header never look like a camera.
      const lines = result.split('\r\n');
      const codeOf = (line: string) => (/^[A-Z0-9-]+$/.test(line.split(',')[0]) ? line.split(',')[0] : null);
      const inside = await this.places.camerasIn(
        lines.map(codeOf).filter((c): c is string => c !== null),
        communes,
      );
      const kept = lines.filter((l) => codeOf(l) === null || inside.has(codeOf(l)!));
      // The counts row is recounted from the camera rows kept. Their cells up to `recorded` (code, ownership,
      // numbers, booleans) hold no comma: sees_point is the 6th cell, recorded (true/false/unknown) the 7th.
      const counted = kept
        .filter((l) => codeOf(l) !== null)
        .map((l) => {
          const cells = l.split(',');
          return { sees_point: cells[5] === 'true', recorded: cells[6] === 'unknown' ? null : cells[6] === 'true' };
        });
      return kept.map((l) => (l.split(',')[0] === COUNTS_LABEL ? csvLine([COUNTS_LABEL, countsCell(countsOf(counted))]).slice(0, -2) : l)).join('\r\n');
    }
    return answer;
  }
}

/** What the rules read of a request. */
interface ScopedRequest {
  query: Record<string, unknown>;
  params: Record<string, string>;
  body?: Record<string, unknown>;
}
