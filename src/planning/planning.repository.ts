import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface UncoveredCommuneRow {
  code: string;
  name: string;
  kind: string | null;
  districtCode: string | null;
  districtName: string | null;
  lat: number | null;
  lon: number | null;
  successors: { code: string; name?: string; kind?: string }[];
}

export interface AreaUnitRow {
  code: string;
  name: string;
  parentCode: string | null;
  lat: number | null;
  lon: number | null;
  boundary: unknown | null;
  properties: Record<string, unknown>;
}

/** Planning's reads of the inventory. */
@Injectable()
export class PlanningRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** 2019 communes with no station in service on `day` (YYYY-MM-DD). */
  async uncoveredCommunes(day: string): Promise<UncoveredCommuneRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT c.code, c.name, c.kind, c.parent_code, d.name AS district_name, c.lat, c.lon,
              c.properties -> 'successors_2025_07' AS successors
         FROM admin_unit c
         LEFT JOIN admin_unit d ON d.layout = '2019' AND d.code = c.parent_code AND d.level = 'district'
        WHERE c.layout = '2019' AND c.level = 'commune'
          AND NOT EXISTS (SELECT 1 FROM station s
                           WHERE s.commune_code = c.code AND (s.retired_on IS NULL OR s.retired_on > $1::date))
        ORDER BY c.code`,
      [day],
    );
    return rows.map((r) => ({
      code: r.code as string,
      name: r.name as string,
      kind: (r.kind as string | null) ?? null,
      districtCode: (r.parent_code as string | null) ?? null,
      districtName: (r.district_name as string | null) ?? null,
      lat: r.lat === null ? null : Number(r.lat),
      lon: r.lon === null ? null : Number(r.lon),
      successors: Array.isArray(r.successors) ? (r.successors as UncoveredCommuneRow['successors']) : [],
    }));
  }

  /** Units of one layout and level, with boundaries when asked. */
  async units(layout: '2019' | '2025-07', level: 'district' | 'commune', withBoundary: boolean): Promise<AreaUnitRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT code, name, parent_code, lat, lon, properties, ${withBoundary ? 'boundary' : 'NULL::jsonb AS boundary'}
         FROM admin_unit WHERE layout = $1 AND level = $2 ORDER BY code`,
      [layout, level],
    );
    return rows.map((r) => ({
      code: r.code as string,
      name: r.name as string,
      parentCode: (r.parent_code as string | null) ?? null,
      lat: r.lat === null ? null : Number(r.lat),
      lon: r.lon === null ? null : Number(r.lon),
      boundary: r.boundary ?? null,
      properties: (r.properties as Record<string, unknown>) ?? {},
    }));
  }

  /** SUM(funding_vnd) / COUNT(*) over the stations; null when there are none. */
  async averageFundingPerStation(): Promise<number | null> {
    const [row] = await this.dataSource.query(`SELECT SUM(funding_vnd)::float8 / NULLIF(COUNT(*), 0) AS avg FROM station`);
    return row.avg === null ? null : Math.round(Number(row.avg));
  }

  /** Cameras of stations in service per station in service on `day`; null when there are none. */
  async camerasPerStation(day: string): Promise<number | null> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM camera c JOIN station s ON s.id = c.station_id
                WHERE (c.retired_on IS NULL OR c.retired_on > $1::date) AND (s.retired_on IS NULL OR s.retired_on > $1::date))::float8
              / NULLIF((SELECT COUNT(*) FROM station s WHERE s.retired_on IS NULL OR s.retired_on > $1::date), 0) AS ratio`,
      [day],
    );
    return row.ratio === null || Number(row.ratio) === 0 ? null : Number(row.ratio);
  }
}
