/**
 * The WHERE conditions the camera list and the exports share: who may see which
 * cameras (private ones only for police and admin) and the area filters. Written
 * against the aliases of CAMERA_ROW_SQL (c = camera, s = station).
 */
import { BadRequestException } from '@nestjs/common';

export interface AreaFilter {
  commune?: string;
  district?: string;
  bbox?: string;
}

/** Positional parameters for one query: add(v) returns its placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Technicians and planners see station cameras only; private ones reach them as counts and coverage shares. */
export function visibilityCondition(seesPrivate: boolean): string[] {
  return seesPrivate ? [] : [`c.ownership = 'station'`];
}

export function hasArea(q: AreaFilter): boolean {
  return Boolean(q.commune || q.district || q.bbox);
}

export function areaConditions(q: AreaFilter, p: SqlParams): string[] {
  const where: string[] = [];
  if (q.commune) where.push(`c.commune_code = ${p.add(q.commune)}`);
  if (q.district)
    where.push(`c.commune_code IN (SELECT code FROM admin_unit WHERE layout = '2019' AND level = 'commune' AND parent_code = ${p.add(q.district)})`);
  if (q.bbox) {
    const [minLon, minLat, maxLon, maxLat] = q.bbox.split(',').map(Number);
    if (minLon > maxLon || minLat > maxLat) throw new BadRequestException('bbox must be minLon,minLat,maxLon,maxLat with min ≤ max');
    where.push(`c.lon BETWEEN ${p.add(minLon)} AND ${p.add(maxLon)} AND c.lat BETWEEN ${p.add(minLat)} AND ${p.add(maxLat)}`);
  }
  return where;
}

export function whereClause(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}
