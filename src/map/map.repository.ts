import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MapCamera } from './camera-cluster.index';

/** The map's reads: every private camera in force, with its district and current status. */
@Injectable()
export class MapRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The extent of the 2019 districts (each carries its bbox), or null before the inventory is loaded. */
  async provinceBounds(): Promise<[number, number, number, number] | null> {
    const [r] = await this.dataSource.query(
      `SELECT min((properties->'bbox'->>0)::float8) AS w, min((properties->'bbox'->>1)::float8) AS s,
              max((properties->'bbox'->>2)::float8) AS e, max((properties->'bbox'->>3)::float8) AS n
       FROM admin_unit WHERE layout = '2019' AND level = 'district' AND properties ? 'bbox'`,
    );
    return r && r.w !== null ? [r.w, r.s, r.e, r.n] : null;
  }

  /** Private cameras not retired, in id order (stable across reloads). Owners are not read: the map never sends them. */
  async privateCameras(): Promise<MapCamera[]> {
    const rows: MapCamera[] = await this.dataSource.query(
      `SELECT c.code, c.ownership, c.commune_code, u.parent_code AS district_code,
              c.lat, c.lon, c.heading_deg,
              c.fov_deg, c.range_m, COALESCE(cs.status, 'unknown') AS status
       FROM camera c
       LEFT JOIN camera_state cs ON cs.camera_id = c.id
       LEFT JOIN admin_unit u ON u.layout = '2019' AND u.level = 'commune' AND u.code = c.commune_code
       WHERE c.ownership <> 'station' AND c.retired_on IS NULL
       ORDER BY c.id`,
    );
    return rows;
  }
}
