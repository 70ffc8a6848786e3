/** The SQL of maintenance windows: the rows themselves, overlaps, and which scopes exist. */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type MaintenanceScope = 'camera' | 'station' | 'commune' | 'district';
export const MAINTENANCE_SCOPES: readonly MaintenanceScope[] = ['camera', 'station', 'commune', 'district'];

export interface MaintenanceRow {
  id: number;
  scope: MaintenanceScope;
  scope_id: string;
  starts_at: Date;
  ends_at: Date;
  reason: string | null;
  created_by: string | null;
  updated_at: Date | null;
}

export interface MaintenanceFields {
  scope: MaintenanceScope;
  scopeId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
}

@Injectable()
export class MaintenanceRepository {
  constructor(private readonly db: DataSource) {}

  async find(id: number): Promise<MaintenanceRow | null> {
    const [row] = await this.db.query(`SELECT * FROM maintenance_window WHERE id = $1`, [id]);
    return row ?? null;
  }

  async insert(f: MaintenanceFields, by: string | null): Promise<MaintenanceRow> {
    const [row] = await this.db.query(
      `INSERT INTO maintenance_window (scope, scope_id, starts_at, ends_at, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [f.scope, f.scopeId, f.startsAt, f.endsAt, f.reason, by],
    );
    return row;
  }

  async update(id: number, f: MaintenanceFields, at: Date): Promise<MaintenanceRow> {
    const [row] = await this.db.query(
      `WITH changed AS (UPDATE maintenance_window SET scope = $2, scope_id = $3, starts_at = $4, ends_at = $5, reason = $6, updated_at = $7
         WHERE id = $1 RETURNING *) SELECT * FROM changed`,
      [id, f.scope, f.scopeId, f.startsAt, f.endsAt, f.reason, at],
    );
    return row;
  }

  async delete(id: number): Promise<void> {
    await this.db.query(`DELETE FROM maintenance_window WHERE id = $1`, [id]);
  }

  /** Another window of the same scope whose time overlaps [startsAt, endsAt). */
  async overlapping(f: MaintenanceFields, exceptId: number | null): Promise<MaintenanceRow | null> {
    const [row] = await this.db.query(
      `SELECT * FROM maintenance_window WHERE scope = $1 AND scope_id = $2 AND starts_at < $4 AND ends_at > $3 AND id <> $5 ORDER BY starts_at LIMIT 1`,
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
      `SELECT w.scope || ':' || w.scope_id AS key FROM maintenance_window w WHERE w.starts_at <= $1 AND w.ends_at > $1
       UNION
       SELECT 'commune2019:' || au.code FROM maintenance_window w
       JOIN admin_unit au ON au.layout = '2019' AND au.level = 'commune' AND au.parent_code = w.scope_id
       WHERE w.scope = 'district' AND w.starts_at <= $1 AND w.ends_at > $1`,
      [at],
    );
    return rows.map((r) => r.key);
  }
}
