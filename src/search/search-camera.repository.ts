import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Ownership } from '../inventory/camera.entity';

/** What the incident search keeps in memory of each camera. */
export interface SearchCamera {
  id: number;
  code: string;
  ownership: Ownership;
  lat: number;
  lon: number;
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
  ownerName: string | null;
  ownerPhone: string | null;
  /** YYYY-MM-DD or null. */
  registeredOn: string | null;
  retiredOn: string | null;
}

/** What the search needs of its repository (its public methods), so a test can hand it an in-memory one. */
export type SearchCameraStore = Pick<SearchCameraRepository, keyof SearchCameraRepository>;

/**
 * The search's reads of the inventory: its cameras (once, then on change) and the
 * province's outline. The status and heading in force at a time come from
 * monitoring's StatusHistoryRepository.
 */
@Injectable()
export class SearchCameraRepository {
  constructor(private readonly dataSource: DataSource) {}

  async loadCameras(): Promise<SearchCamera[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, code, ownership, lat, lon, heading_deg, fov_deg, range_m, owner_name, owner_phone,
              to_char(registered_on, 'YYYY-MM-DD') AS registered_on, to_char(retired_on, 'YYYY-MM-DD') AS retired_on
         FROM camera ORDER BY id`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      code: r.code as string,
      ownership: r.ownership as Ownership,
      lat: Number(r.lat),
      lon: Number(r.lon),
      headingDeg: Number(r.heading_deg),
      fovDeg: Number(r.fov_deg),
      rangeM: Number(r.range_m),
      ownerName: (r.owner_name as string | null) ?? null,
      ownerPhone: (r.owner_phone as string | null) ?? null,
      registeredOn: (r.registered_on as string | null) ?? null,
      retiredOn: (r.retired_on as string | null) ?? null,
    }));
  }

  /** The province's outline (2019 layout) as the inventory holds it; null when no inventory is loaded. */
  async provinceBoundary(): Promise<unknown | null> {
    const [row] = await this.dataSource.query(`SELECT boundary FROM admin_unit WHERE layout = '2019' AND level = 'province' AND boundary IS NOT NULL LIMIT 1`);
    return row?.boundary ?? null;
  }

  /**
   * A cheap summary of the camera table that changes whenever a camera is added,
   * removed, moved, turned, re-owned or retired: the in-memory index reloads
   * when it differs. One sequential scan of ~25k rows, run in the background.
   */
  async fingerprint(): Promise<string> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::text AS n, coalesce(max(id), 0)::text AS max_id,
              coalesce(sum(hashtext(concat_ws('|', id, code, ownership, lat, lon, heading_deg, fov_deg, range_m,
                owner_name, owner_phone, registered_on, retired_on))::bigint), 0)::text AS h
         FROM camera`,
    );
    return `${row.n}:${row.max_id}:${row.h}`;
  }
}
