import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LonLat } from '../geo';
import { communeColumn, type AdminLayout } from '../inventory/admin-unit.entity';
import type { Ownership } from '../inventory/camera.entity';
import type { Status } from '../domain/status';

export interface CoverageCameraRow {
  id: number;
  ownership: Ownership;
  stationId: number | null;
  communeCode: string;
  communeCode2025: string | null;
  lat: number;
  lon: number;
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
}

export interface CoverageRouteRow {
  ref: string;
  name: string;
  kind: string;
  coordinates: LonLat[];
}

export interface CameraStateRow {
  id: number;
  status: Status;
  headingDeg: number | null;
}

export interface CommuneRow {
  code: string;
  name: string;
  districtCode: string | null;
  districtName: string | null;
  lat: number | null;
  lon: number | null;
  boundary: unknown | null;
  properties: Record<string, unknown>;
}

/** The coverage module's reads, each one bulk query. */
@Injectable()
export class CoverageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Cameras in service on `day` (YYYY-MM-DD): not retired by then. */
  async cameras(day: string): Promise<CoverageCameraRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, ownership, station_id, commune_code, commune_code_2025, lat, lon, heading_deg, fov_deg, range_m
         FROM camera WHERE retired_on IS NULL OR retired_on > $1::date ORDER BY id`,
      [day],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      ownership: r.ownership as Ownership,
      stationId: r.station_id === null ? null : Number(r.station_id),
      communeCode: r.commune_code as string,
      communeCode2025: (r.commune_code_2025 as string | null) ?? null,
      lat: Number(r.lat),
      lon: Number(r.lon),
      headingDeg: Number(r.heading_deg),
      fovDeg: Number(r.fov_deg),
      rangeM: Number(r.range_m),
    }));
  }

  async routes(refs?: string[]): Promise<CoverageRouteRow[]> {
    const rows: { ref: string; name: string; kind: string; geometry: { coordinates: LonLat[] } }[] = await this.dataSource.query(
      `SELECT ref, name, kind, geometry FROM route ${refs ? 'WHERE ref = ANY($1)' : ''} ORDER BY ref`,
      refs ? [refs] : [],
    );
    return rows.filter((r) => r.geometry?.coordinates?.length >= 2).map((r) => ({ ref: r.ref, name: r.name, kind: r.kind, coordinates: r.geometry.coordinates }));
  }

  /** Current status and last known heading of every camera that has a state row. */
  async cameraStates(): Promise<CameraStateRow[]> {
    const rows: { camera_id: number; status: Status; heading_deg: number | null }[] = await this.dataSource.query(
      `SELECT camera_id, status, heading_deg FROM camera_state`,
    );
    return rows.map((r) => ({ id: Number(r.camera_id), status: r.status, headingDeg: r.heading_deg === null ? null : Number(r.heading_deg) }));
  }

  /**
   * Changes whenever a camera or route is added, removed, moved, turned, re-owned
   * or retired: the in-memory coverage reloads when it differs.
   */
  async fingerprint(): Promise<string> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT concat_ws(':', count(*), max(id),
                 sum(hashtext(concat_ws('|', id, ownership, station_id, commune_code, commune_code_2025, lat, lon, heading_deg, fov_deg, range_m, retired_on))::bigint))
                 FROM camera) AS cameras,
              (SELECT concat_ws(':', count(*), sum(hashtext(ref || md5(geometry::text))::bigint)) FROM route) AS routes`,
    );
    return `${row.cameras}/${row.routes}`;
  }

  /** Communes of one layout with their district (2019) and the unit's properties. */
  async communes(layout: AdminLayout, withBoundary = false): Promise<CommuneRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT c.code, c.name, c.parent_code, d.name AS district_name, c.lat, c.lon, c.properties,
              ${withBoundary ? 'c.boundary' : 'NULL::jsonb AS boundary'}
         FROM admin_unit c
         LEFT JOIN admin_unit d ON d.layout = c.layout AND d.code = c.parent_code AND d.level = 'district'
        WHERE c.layout = $1 AND c.level = 'commune'
        ORDER BY c.code`,
      [layout],
    );
    return rows.map((r) => ({
      code: r.code as string,
      name: r.name as string,
      districtCode: r.district_name === null ? null : (r.parent_code as string),
      districtName: (r.district_name as string | null) ?? null,
      lat: r.lat === null ? null : Number(r.lat),
      lon: r.lon === null ? null : Number(r.lon),
      boundary: r.boundary ?? null,
      properties: (r.properties as Record<string, unknown>) ?? {},
    }));
  }

  /** Stations in service on `day` per commune code of the layout. */
  async stationCounts(layout: AdminLayout, day: string): Promise<Map<string, number>> {
    const column = communeColumn(layout);
    const rows: { code: string | null; n: string }[] = await this.dataSource.query(
      `SELECT ${column} AS code, count(*) AS n FROM station WHERE retired_on IS NULL OR retired_on > $1::date GROUP BY ${column}`,
      [day],
    );
    return new Map(rows.filter((r) => r.code !== null).map((r) => [r.code!, Number(r.n)]));
  }
}
