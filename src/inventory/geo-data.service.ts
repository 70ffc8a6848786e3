import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminLayout, communeColumn } from './admin-unit.entity';
import { AdminUnitQueryDto } from './inventory.dto';

/** Administrative units (both layouts), routes and road signs: read-only reference data. */
@Injectable()
export class GeoDataService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Units of one layout. Communes carry has_stations (of that layout's code), so
   * the map and planners can tell the communes without a station at a glance.
   */
  adminUnits(q: AdminUnitQueryDto) {
    const layout = q.layout ?? '2019';
    const stationColumn = communeColumn(layout);
    const where = ['u.layout = $1'];
    const params: unknown[] = [layout];
    if (q.level) where.push(`u.level = $${params.push(q.level)}`);
    if (q.parent) where.push(`u.parent_code = $${params.push(q.parent)}`);
    return this.dataSource.query(
      `SELECT u.code, u.name, u.level, u.kind, u.parent_code, u.lat, u.lon, u.boundary, u.properties,
         CASE WHEN u.level = 'commune' THEN EXISTS (SELECT 1 FROM station s WHERE s.${stationColumn} = u.code AND s.retired_on IS NULL) END AS has_stations
       FROM admin_unit u WHERE ${where.join(' AND ')} ORDER BY u.level, u.code`,
      params,
    );
  }

  async commune(code: string, layout: AdminLayout = '2019') {
    const stationColumn = communeColumn(layout);
    const rows = await this.dataSource.query(
      `SELECT u.code, u.name, u.level, u.kind, u.parent_code, u.lat, u.lon, u.boundary, u.properties,
         (SELECT count(*)::int FROM station s WHERE s.${stationColumn} = u.code AND s.retired_on IS NULL) AS stations,
         (SELECT count(*)::int FROM camera c WHERE c.${stationColumn} = u.code AND c.retired_on IS NULL) AS cameras
       FROM admin_unit u WHERE u.layout = $1 AND u.code = $2 AND u.level = 'commune'`,
      [layout, code],
    );
    if (rows.length === 0) throw new NotFoundException(`no commune ${code} in the ${layout} layout`);
    return rows[0];
  }

  routes() {
    return this.dataSource.query(`SELECT ref, name, kind, length_m, geometry FROM route ORDER BY ref`);
  }

  roadSigns() {
    return this.dataSource.query(`SELECT id, route_ref, commune_code, lat, lon FROM road_sign ORDER BY id`);
  }
}
