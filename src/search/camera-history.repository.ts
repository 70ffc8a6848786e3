import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Ownership } from '../inventory/camera.entity';
import type { Status } from '../domain/status';

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

/** A camera's status in force at a time, with the reason its transition gave. */
export interface StatusAt {
  status: Status;
  reason: string | null;
}

export interface HistoryAt {
  status: Map<number, StatusAt>;
  heading: Map<number, number>;
}

/**
 * The search's reads: the camera inventory (once, then on change) and the
 * status and heading in force at a time for a set of cameras, each one query
 * for the whole set whatever its size.
 */
@Injectable()
export class CameraHistoryRepository {
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
    const [row] = await this.dataSource.query(
      `SELECT boundary FROM admin_unit WHERE layout = '2019' AND level = 'province' AND boundary IS NOT NULL LIMIT 1`,
    );
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

  /**
   * Per camera, the status in force at `at` (its last transition at or before
   * it) and the heading in force then (last orientation event); each absent when
   * the history holds none (a null heading means unknown: absent too). One
   * statement for the whole set: a LATERAL probe of the (subject, subject_id, at)
   * and (camera_id, at) indexes per camera stays an index lookup however long the
   * history grows, and costs one round trip.
   */
  async historyAt(cameraIds: number[], at: Date): Promise<HistoryAt> {
    const status = new Map<number, StatusAt>();
    const heading = new Map<number, number>();
    if (cameraIds.length === 0) return { status, heading };
    const rows: { id: number; status: Status | null; reason: string | null; heading_deg: number | null }[] = await this.dataSource.query(
      `SELECT ids.id, e.status, e.reason, o.heading_deg
         FROM unnest($1::int[]) AS ids(id)
         LEFT JOIN LATERAL (
           SELECT status, reason FROM status_event
            WHERE subject = 'camera' AND subject_id = ids.id AND at <= $2
            ORDER BY at DESC, id DESC LIMIT 1) e ON true
         LEFT JOIN LATERAL (
           SELECT heading_deg FROM orientation_event
            WHERE camera_id = ids.id AND at <= $2
            ORDER BY at DESC, id DESC LIMIT 1) o ON true`,
      [cameraIds, at],
    );
    for (const r of rows) {
      if (r.status !== null) status.set(Number(r.id), { status: r.status, reason: r.reason ?? null });
      if (r.heading_deg !== null) heading.set(Number(r.id), Number(r.heading_deg));
    }
    return { status, heading };
  }
}
