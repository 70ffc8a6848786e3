/**
 * The SQL behind uptime reports and rollups: the cameras of a scope, maintenance
 * windows and the daily rollups (the status history itself comes from monitoring's
 * StatusHistoryRepository). Every read is one query for a whole set of cameras
 * (never one per camera), so a district of thousands of cameras costs the same
 * handful of round trips as a single camera.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Interval } from './uptime.calculator';

/** A camera and the codes through which maintenance windows reach it. */
export interface ScopedCamera {
  id: number;
  code: string;
  stationCode: string | null;
  communeCode: string;
  communeCode2025: string | null;
  /** The 2019 district of its commune, through which district windows reach it. */
  districtCode?: string | null;
  /** Whether camnet checks or checked it (an ONVIF address, or a status history): reports count monitored cameras only. */
  monitored?: boolean;
}

export interface MaintenanceRow {
  scope: 'camera' | 'station' | 'commune' | 'district';
  scopeId: string;
  from: number;
  to: number;
}

export interface RollupRow {
  subjectId: number;
  day: string;
  onlineS: number;
  knownS: number;
  maintenanceS: number;
  offlineS: number;
  degradedS: number;
}

/** Sums over rollup rows, in integer milliseconds. */
export interface RollupSums {
  online: number;
  offline: number;
  degraded: number;
  maintenance: number;
  known: number;
}

export type CameraFilter =
  | { by: 'camera'; code: string }
  | { by: 'station'; stationId: number }
  | { by: 'commune'; code: string; layout: '2019' | '2025-07' }
  | { by: 'district'; code: string }
  | { by: 'all' };

/** What the uptime services need of the repository: its public methods, so a test can hand them an in-memory one. */
export type UptimeStore = Pick<UptimeRepository, keyof UptimeRepository>;

const CAMERA_COLUMNS = `c.id, c.code, s.code AS station_code, c.commune_code, c.commune_code_2025, (c.onvif_url IS NOT NULL OR EXISTS (SELECT 1 FROM status_event e WHERE e.subject = 'camera' AND e.subject_id = c.id)) AS monitored,
  (SELECT d.parent_code FROM admin_unit d WHERE d.layout = '2019' AND d.level = 'commune' AND d.code = c.commune_code) AS district_code`;

@Injectable()
export class UptimeRepository {
  constructor(private readonly db: DataSource) {}

  /** The cameras a report covers; cameras retired before `activeOn` (a date) are left out of group scopes. */
  async cameras(filter: CameraFilter, activeOn: string | null = null): Promise<ScopedCamera[]> {
    const params: unknown[] = [];
    let where: string;
    let join = '';
    switch (filter.by) {
      case 'camera':
        params.push(filter.code);
        where = `c.code = $1`;
        break;
      case 'station':
        params.push(filter.stationId);
        where = `c.station_id = $1`;
        break;
      case 'commune':
        params.push(filter.code);
        where = filter.layout === '2025-07' ? `c.commune_code_2025 = $1` : `c.commune_code = $1`;
        break;
      case 'district':
        params.push(filter.code);
        join = `JOIN admin_unit au ON au.layout = '2019' AND au.level = 'commune' AND au.code = c.commune_code`;
        where = `au.parent_code = $1`;
        break;
      case 'all':
        where = 'true';
        break;
    }
    if (activeOn !== null && filter.by !== 'camera') {
      params.push(activeOn);
      where += ` AND (c.retired_on IS NULL OR c.retired_on > $${params.length}::date)`;
    }
    const rows: {
      id: number;
      code: string;
      station_code: string | null;
      commune_code: string;
      commune_code_2025: string | null;
      monitored: boolean;
      district_code: string | null;
    }[] = await this.db.query(`SELECT ${CAMERA_COLUMNS} FROM camera c LEFT JOIN station s ON s.id = c.station_id ${join} WHERE ${where} ORDER BY c.id`, params);
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      stationCode: r.station_code,
      communeCode: r.commune_code,
      communeCode2025: r.commune_code_2025,
      districtCode: r.district_code,
      monitored: r.monitored,
    }));
  }

  async stationId(code: string): Promise<number | null> {
    const rows: { id: number }[] = await this.db.query(`SELECT id FROM station WHERE code = $1`, [code]);
    return rows[0]?.id ?? null;
  }

  async adminUnitExists(layout: '2019' | '2025-07', level: 'district' | 'commune', code: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM admin_unit WHERE layout = $1 AND level = $2 AND code = $3`, [layout, level, code]);
    return rows.length > 0;
  }

  /** Maintenance windows overlapping [from, to). */
  async maintenance(from: Date, to: Date): Promise<MaintenanceRow[]> {
    const rows: { scope: MaintenanceRow['scope']; scope_id: string; starts_at: Date; ends_at: Date }[] = await this.db.query(
      `SELECT scope, scope_id, starts_at, ends_at FROM maintenance_window WHERE starts_at < $2 AND ends_at > $1`,
      [from, to],
    );
    return rows.map((r) => ({ scope: r.scope, scopeId: r.scope_id, from: r.starts_at.getTime(), to: r.ends_at.getTime() }));
  }

  /** Sums of the rollup rows of these cameras for days in [fromDay, toDay), in milliseconds. */
  async rollupSums(cameraIds: number[], fromDay: string, toDay: string): Promise<RollupSums> {
    const sums: RollupSums = { online: 0, offline: 0, degraded: 0, maintenance: 0, known: 0 };
    if (cameraIds.length === 0) return sums;
    // Rounded to whole milliseconds before summing, so the sum is exact (no float drift).
    const rows: Record<keyof RollupSums, string | null>[] = await this.db.query(
      `SELECT sum(round(online_s * 1000)::bigint) AS online,
              sum(round(offline_s * 1000)::bigint) AS offline,
              sum(round(degraded_s * 1000)::bigint) AS degraded,
              sum(round(maintenance_s * 1000)::bigint) AS maintenance,
              sum(round(known_s * 1000)::bigint) AS known
         FROM uptime_daily
        WHERE subject = 'camera' AND subject_id = ANY($1::int[]) AND day >= $2::date AND day < $3::date`,
      [cameraIds, fromDay, toDay],
    );
    for (const k of Object.keys(sums) as (keyof RollupSums)[]) sums[k] = Number(rows[0]?.[k] ?? 0);
    return sums;
  }

  /** Rollup sums per camera for days in [fromDay, toDay), in milliseconds. */
  async rollupSumsByCamera(cameraIds: number[], fromDay: string, toDay: string): Promise<Map<number, RollupSums>> {
    const out = new Map<number, RollupSums>();
    if (cameraIds.length === 0) return out;
    const rows: (Record<keyof RollupSums, string | null> & { subject_id: number })[] = await this.db.query(
      `SELECT subject_id,
              sum(round(online_s * 1000)::bigint) AS online,
              sum(round(offline_s * 1000)::bigint) AS offline,
              sum(round(degraded_s * 1000)::bigint) AS degraded,
              sum(round(maintenance_s * 1000)::bigint) AS maintenance,
              sum(round(known_s * 1000)::bigint) AS known
         FROM uptime_daily
        WHERE subject = 'camera' AND subject_id = ANY($1::int[]) AND day >= $2::date AND day < $3::date
        GROUP BY subject_id`,
      [cameraIds, fromDay, toDay],
    );
    for (const r of rows) {
      out.set(r.subject_id, {
        online: Number(r.online ?? 0),
        offline: Number(r.offline ?? 0),
        degraded: Number(r.degraded ?? 0),
        maintenance: Number(r.maintenance ?? 0),
        known: Number(r.known ?? 0),
      });
    }
    return out;
  }

  /** Names of stations and admin units, for report rows. */
  async names(): Promise<{ communes: Map<string, { name: string; district: string | null }>; districts: Map<string, string>; stations: Map<string, string> }> {
    const units: { code: string; name: string; level: string; parent_code: string | null }[] = await this.db.query(
      `SELECT code, name, level, parent_code FROM admin_unit WHERE layout = '2019' AND level IN ('commune', 'district')`,
    );
    const stations: { code: string; name: string }[] = await this.db.query(`SELECT code, name FROM station`);
    return {
      communes: new Map(units.filter((u) => u.level === 'commune').map((u) => [u.code, { name: u.name, district: u.parent_code }])),
      districts: new Map(units.filter((u) => u.level === 'district').map((u) => [u.code, u.name])),
      stations: new Map(stations.map((st) => [st.code, st.name])),
    };
  }

  /** Writes rollup rows; a row already there for (subject, day) is replaced (the job may run twice). */
  async upsertRollups(rows: RollupRow[]): Promise<void> {
    const BATCH = 1000;
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      await this.db.query(
        `INSERT INTO uptime_daily (subject, subject_id, day, online_s, known_s, maintenance_s, offline_s, degraded_s)
         SELECT 'camera', * FROM unnest($1::int[], $2::date[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
         ON CONFLICT (subject, subject_id, day) DO UPDATE
           SET online_s = EXCLUDED.online_s, known_s = EXCLUDED.known_s, maintenance_s = EXCLUDED.maintenance_s,
               offline_s = EXCLUDED.offline_s, degraded_s = EXCLUDED.degraded_s`,
        [
          batch.map((r) => r.subjectId),
          batch.map((r) => r.day),
          batch.map((r) => r.onlineS),
          batch.map((r) => r.knownS),
          batch.map((r) => r.maintenanceS),
          batch.map((r) => r.offlineS),
          batch.map((r) => r.degradedS),
        ],
      );
    }
  }

  /** The first day with a camera transition or a maintenance window, or null when there is none. */
  async firstActivityDay(): Promise<string | null> {
    // Days before it hold nothing but unknown time, so they need no rollup rows.
    const rows: { day: string | null }[] = await this.db.query(
      `SELECT to_char(least((SELECT min(at) FROM status_event WHERE subject = 'camera'),
                            (SELECT min(starts_at) FROM maintenance_window)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day`,
    );
    return rows[0]?.day ?? null;
  }

  /** The last UTC day whose rollup is complete, or null before the first run. */
  async rolledThrough(): Promise<string | null> {
    const rows: { value: unknown }[] = await this.db.query(`SELECT value FROM camnet_meta WHERE key = $1`, [ROLLED_THROUGH_KEY]);
    const v = rows[0]?.value;
    return typeof v === 'string' ? v : null;
  }

  async setRolledThrough(day: string | null): Promise<void> {
    if (day === null) {
      await this.db.query(`DELETE FROM camnet_meta WHERE key = $1`, [ROLLED_THROUGH_KEY]);
      return;
    }
    await this.db.query(`INSERT INTO camnet_meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      ROLLED_THROUGH_KEY,
      JSON.stringify(day),
    ]);
  }
}

const ROLLED_THROUGH_KEY = 'uptime.rolled_through';

/** Groups maintenance windows by the codes they name, so each camera finds its own in a few lookups. */
export class MaintenanceIndex {
  private readonly byKey = new Map<string, Interval[]>();

  constructor(rows: MaintenanceRow[]) {
    for (const r of rows) {
      const key = `${r.scope}:${r.scopeId}`;
      let list = this.byKey.get(key);
      if (!list) this.byKey.set(key, (list = []));
      list.push({ from: r.from, to: r.to });
    }
  }

  /**
   * The windows that cover a camera: its own, its station's and its commune's.
   * A commune window may name the commune in either layout (2019 or 2025-07).
   */
  forCamera(c: ScopedCamera): Interval[] {
    const keys = [`camera:${c.code}`, `commune:${c.communeCode}`];
    if (c.stationCode) keys.push(`station:${c.stationCode}`);
    if (c.districtCode) keys.push(`district:${c.districtCode}`);
    if (c.communeCode2025 && c.communeCode2025 !== c.communeCode) keys.push(`commune:${c.communeCode2025}`);
    return keys.flatMap((k) => this.byKey.get(k) ?? []);
  }
}
