/** The SQL of inventory drift: what devices report beside what the inventory holds. */
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface DriftRow {
  id: number;
  code: string;
  station_code: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  device: Record<string, string | null>;
  kept: Record<string, string | null> | null;
}

@Injectable()
export class DriftRepository {
  constructor(private readonly db: DataSource) {}

  /** Cameras in service whose device reported something; one camera when code is given. */
  reported(code: string | null = null, m: EntityManager = this.db.manager): Promise<DriftRow[]> {
    return m.query(
      `SELECT c.id, c.code, s.code AS station_code, c.model, c.firmware, c.serial, cs.device, k.reported AS kept
       FROM camera c JOIN camera_state cs ON cs.camera_id = c.id LEFT JOIN station s ON s.id = c.station_id
       LEFT JOIN inventory_drift_kept k ON k.camera_id = c.id
       WHERE c.retired_on IS NULL AND cs.device IS NOT NULL AND ($1::text IS NULL OR c.code = $1)
       ORDER BY c.code ${code === null ? '' : 'FOR UPDATE OF c'}`,
      [code],
    );
  }

  async accept(m: EntityManager, cameraId: number, values: { model: string | null; firmware: string | null; serial: string | null }): Promise<void> {
    await m.query(`UPDATE camera SET model = COALESCE($2, model), firmware = COALESCE($3, firmware), serial = COALESCE($4, serial) WHERE id = $1`, [
      cameraId,
      values.model,
      values.firmware,
      values.serial,
    ]);
    await m.query(`DELETE FROM inventory_drift_kept WHERE camera_id = $1`, [cameraId]);
  }

  async keep(m: EntityManager, cameraId: number, reported: Record<string, string | null>, at: Date, by: string): Promise<void> {
    await m.query(
      `INSERT INTO inventory_drift_kept (camera_id, reported, kept_at, kept_by) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (camera_id) DO UPDATE SET reported = EXCLUDED.reported, kept_at = EXCLUDED.kept_at, kept_by = EXCLUDED.kept_by`,
      [cameraId, JSON.stringify(reported), at, by],
    );
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
