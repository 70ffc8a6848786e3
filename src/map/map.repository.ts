import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MapCamera } from './camera-cluster.index';

/** The map's reads: every private camera in force, with its district and current status. */
@Injectable()
export class MapRepository {
  constructor(private readonly dataSource: DataSource) {}

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
