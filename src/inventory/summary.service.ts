import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Meta } from '../database/meta.entity';
import { SEED_META_KEY } from '../database/seed-meta';
import { STATUSES } from '../domain/status';
import { AdminLayout, communeColumn } from './admin-unit.entity';
import { OWNERSHIPS } from './camera.entity';

/** Which parts of the inventory are real and which generated, for anyone reading the figures. */
const DATA_SOURCE = {
  admin_units: 'real: GSO list of 192 communes (2019 layout), district boundaries (gis.chinhphu.vn), July-2025 communes and boundaries (sapnhap.bando.com.vn, NQ 1682/NQ-UBTVQH15)',
  routes: 'real alignments of 8 main routes; QL1, QL50, QL62, QL N2 digitised, the others approximate (see SOURCES.md)',
  figures: 'Long An 2022 report: 670 stations, 1,696 cameras in 112 communes, 5,572 citizen, 17,110 business, 231 household cameras, 115 road signs, over 12 billion VND',
  positions: 'generated: station, camera and road-sign positions, headings, funding per station and owners are placed deterministically by the seed generator; the exact positions are not public',
};

/** The province figures of DESIGN.md, counted from the database, with live status counts. */
@Injectable()
export class SummaryService {
  constructor(private readonly dataSource: DataSource) {}

  async summary(layout: AdminLayout = '2019') {
    const column = communeColumn(layout);
    const [[counts], ownership, status, byCommune, seed] = await Promise.all([
      this.dataSource.query(
        `SELECT
           (SELECT count(*)::int FROM admin_unit WHERE layout = $1 AND level = 'commune') AS communes,
           (SELECT count(DISTINCT ${column})::int FROM station WHERE retired_on IS NULL) AS with_stations,
           (SELECT count(*)::int FROM station WHERE retired_on IS NULL) AS stations,
           (SELECT count(*)::int FROM road_sign) AS road_signs,
           (SELECT COALESCE(sum(funding_vnd), 0)::float8 FROM station WHERE retired_on IS NULL) AS funding_vnd`,
        [layout],
      ),
      this.dataSource.query(`SELECT ownership, count(*)::int AS n FROM camera WHERE retired_on IS NULL GROUP BY ownership`),
      this.dataSource.query(
        `SELECT COALESCE(cs.status, 'unknown') AS status, count(*)::int AS n
         FROM camera c LEFT JOIN camera_state cs ON cs.camera_id = c.id WHERE c.retired_on IS NULL GROUP BY 1`,
      ),
      this.dataSource.query(
        `SELECT u.code, u.name,
           (SELECT count(*)::int FROM station s WHERE s.${column} = u.code AND s.retired_on IS NULL) AS stations,
           (SELECT count(*)::int FROM camera c WHERE c.${column} = u.code AND c.retired_on IS NULL) AS cameras
         FROM admin_unit u WHERE u.layout = $1 AND u.level = 'commune' ORDER BY u.code`,
        [layout],
      ),
      this.dataSource.getRepository(Meta).findOne({ where: { key: SEED_META_KEY } }),
    ]);
    const cameras = Object.fromEntries(OWNERSHIPS.map((o) => [o, 0])) as Record<string, number>;
    for (const r of ownership) cameras[r.ownership] = r.n;
    const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
    for (const r of status) statusCounts[r.status] = r.n;
    return {
      layout,
      communes: { total: counts.communes, with_stations: counts.with_stations },
      stations: counts.stations,
      cameras: { ...cameras, total: Object.values(cameras).reduce((a, b) => a + b, 0) },
      road_signs: counts.road_signs,
      funding_vnd: counts.funding_vnd,
      status: statusCounts,
      by_commune: byCommune,
      data_source: { ...DATA_SOURCE, seed: seed?.value ?? null },
    };
  }
}
