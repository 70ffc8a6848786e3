/**
 * The SQL of maintenance windows: the rows themselves, overlaps, which scopes
 * exist, and which cameras and stations a window covers. "A window covers a
 * place" is written once (`covers` below) and used by the sweep and by alerts
 * (whether an alert is silenced), so the two can never disagree. The probe path
 * checks the same rule in memory from `activeKeys` (MaintenanceService.covers).
 *
 * Rows are typed from the entity and the SQL names come from its decorators
 * (src/database/entity-columns.ts).
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ColumnProperty, entityColumns } from '../database/entity-columns';
import { MaintenanceWindow } from './monitoring.entities';

export type MaintenanceScope = MaintenanceWindow['scope'];
export const MAINTENANCE_SCOPES: readonly MaintenanceScope[] = ['camera', 'station', 'commune', 'district'];

const ROW = [
  'id',
  'scope',
  'scopeId',
  'startsAt',
  'endsAt',
  'reason',
  'createdBy',
  'updatedAt',
] as const satisfies readonly ColumnProperty<MaintenanceWindow>[];
/** A window as stored. */
export type MaintenanceRow = Pick<MaintenanceWindow, (typeof ROW)[number]>;

/** What a technician sets on a window. */
export type MaintenanceFields = Pick<MaintenanceWindow, 'scope' | 'scopeId' | 'startsAt' | 'endsAt' | 'reason'>;

/** A station whose windows have all closed while it is still in maintenance. */
export interface StationLeaving {
  id: number;
  /** Heard since `seenSince`. */
  recent: boolean;
}

/** Whether a maintenance window covers a subject at a time; what alerts ask before opening one. */
export interface MaintenanceCheck {
  /** Whether a window in force at `at` covers the subject ("camera:<code>" or "station:<code>"): its own, its station's, its commune's (either layout) or its district's. */
  coversSubject(subject: string, at: Date): Promise<boolean>;
}

/** What MaintenanceService reads and writes; the in-memory fake (test/support/fakes/) answers the same. */
export interface MaintenanceStore extends MaintenanceCheck {
  find(id: number): Promise<MaintenanceRow | null>;
  insert(f: MaintenanceFields, by: string | null): Promise<MaintenanceRow>;
  update(id: number, f: MaintenanceFields, at: Date): Promise<MaintenanceRow>;
  delete(id: number): Promise<void>;
  /** Windows in force at `at` (by start, then id), or (without `active`) the newest 1,000 (newest start first). */
  list(at: Date, active: boolean): Promise<MaintenanceRow[]>;
  /** Another window of the same scope whose time overlaps [startsAt, endsAt) (the earliest), or null. */
  overlapping(f: MaintenanceFields, exceptId: number | null): Promise<MaintenanceRow | null>;
  scopeExists(scope: MaintenanceScope, id: string): Promise<boolean>;
  activeKeys(at: Date): Promise<string[]>;
  /** Monitored cameras (with a schedule) covered at `at` and not yet in maintenance. */
  camerasEntering(at: Date): Promise<number[]>;
  /** Stations covered at `at` and not yet in maintenance. */
  stationsEntering(at: Date): Promise<number[]>;
  /** Stations in maintenance that no window covers at `at`. */
  stationsLeaving(at: Date, seenSince: Date): Promise<StationLeaving[]>;
}

const mw = entityColumns(MaintenanceWindow);
const COLUMNS = mw.select('w', ...ROW);

/** A window `w` in force at the time `$t`. */
const inForce = (t: string) => `w.${mw.col.startsAt} <= ${t} AND w.${mw.col.endsAt} > ${t}`;

/**
 * The one rule of coverage: window `w` covers a place when it names the camera
 * (cameras only), its station, its commune in either layout, or the 2019
 * district of its 2019 commune (districts exist in the 2019 layout only). Each
 * argument is an SQL expression naming the place's code (null when it has none).
 */
const covers = (p: { camera: string | null; station: string; commune2019: string; commune2025: string }) => `(
  ${p.camera ? `(w.${mw.col.scope} = 'camera' AND w.${mw.col.scopeId} = ${p.camera}) OR` : ''}
  (w.${mw.col.scope} = 'station' AND w.${mw.col.scopeId} = ${p.station}) OR
  (w.${mw.col.scope} = 'commune' AND w.${mw.col.scopeId} IN (${p.commune2019}, ${p.commune2025})) OR
  (w.${mw.col.scope} = 'district' AND w.${mw.col.scopeId} = (SELECT parent_code FROM admin_unit WHERE layout = '2019' AND level = 'commune' AND code = ${p.commune2019})))`;

const cameraPlace = { camera: 'c.code', station: 'st.code', commune2019: 'c.commune_code', commune2025: 'c.commune_code_2025' };
const stationPlace = { camera: null, station: 'st.code', commune2019: 'st.commune_code', commune2025: 'st.commune_code_2025' };
const coveredAt = (t: string, place: Parameters<typeof covers>[0]) => `EXISTS (SELECT 1 FROM ${mw.table} w WHERE ${inForce(t)} AND ${covers(place)})`;

@Injectable()
export class MaintenanceRepository implements MaintenanceStore {
  constructor(private readonly db: DataSource) {}

  async find(id: number): Promise<MaintenanceRow | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM ${mw.table} w WHERE w.${mw.col.id} = $1`, [id]);
    return row ?? null;
  }

  async insert(f: MaintenanceFields, by: string | null): Promise<MaintenanceRow> {
    const [row] = await this.db.query(
      `INSERT INTO ${mw.table} AS w (${mw.col.scope}, ${mw.col.scopeId}, ${mw.col.startsAt}, ${mw.col.endsAt}, ${mw.col.reason}, ${mw.col.createdBy})
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [f.scope, f.scopeId, f.startsAt, f.endsAt, f.reason, by],
    );
    return row;
  }

  async update(id: number, f: MaintenanceFields, at: Date): Promise<MaintenanceRow> {
    const [row] = await this.db.query(
      `WITH changed AS (UPDATE ${mw.table} w SET ${mw.col.scope} = $2, ${mw.col.scopeId} = $3, ${mw.col.startsAt} = $4, ${mw.col.endsAt} = $5, ${mw.col.reason} = $6, ${mw.col.updatedAt} = $7
         WHERE w.${mw.col.id} = $1 RETURNING ${COLUMNS}) SELECT * FROM changed`,
      [id, f.scope, f.scopeId, f.startsAt, f.endsAt, f.reason, at],
    );
    return row;
  }

  async delete(id: number): Promise<void> {
    await this.db.query(`DELETE FROM ${mw.table} WHERE ${mw.col.id} = $1`, [id]);
  }

  async list(at: Date, active: boolean): Promise<MaintenanceRow[]> {
    return this.db.query(
      active
        ? `SELECT ${COLUMNS} FROM ${mw.table} w WHERE ${inForce('$1')} ORDER BY w.${mw.col.startsAt}, w.${mw.col.id}`
        : `SELECT ${COLUMNS} FROM ${mw.table} w WHERE $1::timestamptz IS NOT NULL ORDER BY w.${mw.col.startsAt} DESC, w.${mw.col.id} DESC LIMIT 1000`,
      [at],
    );
  }

  async overlapping(f: MaintenanceFields, exceptId: number | null): Promise<MaintenanceRow | null> {
    const [row] = await this.db.query(
      `SELECT ${COLUMNS} FROM ${mw.table} w
        WHERE w.${mw.col.scope} = $1 AND w.${mw.col.scopeId} = $2 AND w.${mw.col.startsAt} < $4 AND w.${mw.col.endsAt} > $3 AND w.${mw.col.id} <> $5
        ORDER BY w.${mw.col.startsAt} LIMIT 1`,
      [f.scope, f.scopeId, f.startsAt, f.endsAt, exceptId ?? -1],
    );
    return row ?? null;
  }

  async scopeExists(scope: MaintenanceScope, id: string): Promise<boolean> {
    const sql = {
      camera: `SELECT 1 FROM camera WHERE code = $1`,
      station: `SELECT 1 FROM station WHERE code = $1`,
      commune: `SELECT 1 FROM admin_unit WHERE level = 'commune' AND code = $1`,
      district: `SELECT 1 FROM admin_unit WHERE level = 'district' AND code = $1`,
    }[scope];
    return (await this.db.query(sql, [id])).length > 0;
  }

  /**
   * The windows in force at `at`, as "scope:scope_id" keys; a district window also
   * yields "commune2019:<code>" for each of its communes (districts exist in the 2019
   * layout only, and its commune codes are reused by other 2025 communes, hence the
   * separate key), so one lookup per camera covers it.
   */
  async activeKeys(at: Date): Promise<string[]> {
    const rows: { key: string }[] = await this.db.query(
      `SELECT w.${mw.col.scope} || ':' || w.${mw.col.scopeId} AS key FROM ${mw.table} w WHERE ${inForce('$1')}
       UNION
       SELECT 'commune2019:' || au.code FROM ${mw.table} w
       JOIN admin_unit au ON au.layout = '2019' AND au.level = 'commune' AND au.parent_code = w.${mw.col.scopeId}
       WHERE w.${mw.col.scope} = 'district' AND ${inForce('$1')}`,
      [at],
    );
    return rows.map((r) => r.key);
  }

  async coversSubject(subject: string, at: Date): Promise<boolean> {
    const i = subject.indexOf(':');
    const [type, code] = i < 0 ? ['', subject] : [subject.slice(0, i), subject.slice(i + 1)];
    // The subject's own code comes from the subject itself, so a window on it counts even if the row is gone.
    const sql =
      type === 'camera'
        ? `SELECT 1 FROM (SELECT $1::text AS code) k LEFT JOIN camera c ON c.code = k.code LEFT JOIN station st ON st.id = c.station_id
            WHERE ${coveredAt('$2', { ...cameraPlace, camera: 'k.code' })} LIMIT 1`
        : type === 'station'
          ? `SELECT 1 FROM (SELECT $1::text AS code) k LEFT JOIN station st ON st.code = k.code
              WHERE ${coveredAt('$2', { ...stationPlace, station: 'k.code' })} LIMIT 1`
          : null;
    if (sql === null) return false;
    return (await this.db.query(sql, [code, at])).length > 0;
  }

  async camerasEntering(at: Date): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(
      `SELECT c.id FROM camera c JOIN camera_state cs ON cs.camera_id = c.id JOIN probe_schedule ps ON ps.camera_id = c.id
       LEFT JOIN station st ON st.id = c.station_id
       WHERE cs.status <> 'maintenance' AND ${coveredAt('$1', cameraPlace)} ORDER BY c.id`,
      [at],
    );
    return rows.map((r) => r.id);
  }

  async stationsEntering(at: Date): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(
      `SELECT st.id FROM station st JOIN station_state ss ON ss.station_id = st.id
       WHERE ss.status <> 'maintenance' AND ${coveredAt('$1', stationPlace)} ORDER BY st.id`,
      [at],
    );
    return rows.map((r) => r.id);
  }

  async stationsLeaving(at: Date, seenSince: Date): Promise<StationLeaving[]> {
    return this.db.query(
      `SELECT st.id, COALESCE(ss.last_seen_at >= $2, false) AS recent FROM station st JOIN station_state ss ON ss.station_id = st.id
       WHERE ss.status = 'maintenance' AND NOT ${coveredAt('$1', stationPlace)} ORDER BY st.id`,
      [at, seenSince],
    );
  }
}
