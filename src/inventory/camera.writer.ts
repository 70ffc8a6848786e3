/**
 * The one write path for cameras, shared by the API and the import: checks what
 * class-validator cannot (codes that must exist or must not, duplicates within a
 * batch), then writes in multi-row statements inside the caller's transaction.
 */
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../common/secret-box';
import type { FieldError } from '../http-defaults';
import { CommuneLocator } from './commune-locator';
import type { CameraInputDto } from './inventory.dto';

export interface RowError extends FieldError {
  /** 1-based row number in the batch (the data row of an import file). */
  row: number;
}

export type WriteMode = 'create' | 'upsert' | 'update';

/** Columns written per camera, in statement order. */
const COLUMNS = [
  'code',
  'station_id',
  'ownership',
  'commune_code',
  'commune_code_2025',
  'lat',
  'lon',
  'heading_deg',
  'fov_deg',
  'range_m',
  'ptz',
  'onvif_url',
  'onvif_user',
  'onvif_secret_enc',
  'vendor',
  'model',
  'owner_name',
  'owner_phone',
  'registered_on',
] as const;
const BATCH = 500; // 19 columns × 500 rows stays far below PostgreSQL's 65,535 parameters
/** An upsert overwrites every column but keeps a stored password when the row brings none. */
const UPSERT_SET = COLUMNS.filter((c) => c !== 'code')
  .map((c) => (c === 'onvif_secret_enc' ? `${c} = COALESCE(EXCLUDED.${c}, camera.${c})` : `${c} = EXCLUDED.${c}`))
  .join(', ');

@Injectable()
export class CameraWriter {
  constructor(
    private readonly communes: CommuneLocator,
    private readonly secrets: SecretBox,
  ) {}

  /** Problems with references and uniqueness, one per row and field; empty when the batch may be written. */
  async check(manager: EntityManager, rows: CameraInputDto[], mode: WriteMode): Promise<RowError[]> {
    const errors: RowError[] = [];
    await this.fillCommunes(manager, rows);
    const stationIds = await this.stationIds(manager, rows);
    const existing = new Set<string>(
      (await manager.query(`SELECT code FROM camera WHERE code = ANY($1)`, [rows.map((r) => r.code)])).map((r: { code: string }) => r.code),
    );
    const seen = new Map<string, number>();
    for (const [i, r] of rows.entries()) {
      const row = i + 1;
      const first = seen.get(r.code);
      if (first !== undefined) errors.push({ row, field: 'code', reason: `code ${r.code} appears again (first on row ${first})` });
      seen.set(r.code, row);
      if (mode === 'create' && existing.has(r.code)) errors.push({ row, field: 'code', reason: `a camera with code ${r.code} already exists` });
      if (mode === 'update' && !existing.has(r.code)) errors.push({ row, field: 'code', reason: `no camera with code ${r.code}` });
      if (!r.commune_code) {
        errors.push({ row, field: 'commune_code', reason: 'required: give commune_code, a known station_code, or lat/lon inside Long An' });
      } else if (!(await this.communes.communeExists(r.commune_code, manager))) {
        errors.push({ row, field: 'commune_code', reason: `unknown commune code ${r.commune_code} (2019 layout)` });
      }
      if (r.ownership !== 'station' && r.station_code) {
        errors.push({ row, field: 'station_code', reason: `a ${r.ownership} camera belongs to no station; leave station_code empty` });
      } else if (r.station_code && !stationIds.has(r.station_code)) {
        errors.push({ row, field: 'station_code', reason: `unknown station code ${r.station_code}` });
      }
    }
    return errors;
  }

  /** Writes rows already checked; upsert keeps a stored password when a row brings none (exports carry no secrets). */
  async write(manager: EntityManager, rows: CameraInputDto[], onProgress?: (done: number) => void): Promise<{ created: number; updated: number }> {
    const stationIds = await this.stationIds(manager, rows);
    let created = 0;
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (const r of batch) {
        const values = [
          r.code,
          r.station_code ? stationIds.get(r.station_code) : null,
          r.ownership,
          r.commune_code,
          await this.communes.commune2025(r.lat, r.lon, manager),
          r.lat,
          r.lon,
          r.heading_deg,
          r.fov_deg,
          r.range_m,
          r.ptz ?? false,
          r.onvif_url ?? null,
          r.onvif_user ?? null,
          r.onvif_password ? this.secrets.encrypt(r.onvif_password) : null,
          r.vendor ?? null,
          r.model ?? null,
          r.owner_name ?? null,
          r.owner_phone ?? null,
          r.registered_on ?? null,
        ];
        tuples.push(`(${values.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
      }
      // xmax = 0 only for rows this statement inserted: it tells created from updated.
      const result: { inserted: boolean }[] = await manager.query(
        `INSERT INTO camera (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (code) DO UPDATE SET ${UPSERT_SET}
         RETURNING (xmax = 0) AS inserted`,
        params,
      );
      created += result.filter((r) => r.inserted).length;
      onProgress?.(Math.min(start + BATCH, rows.length));
    }
    return { created, updated: rows.length - created };
  }

  /**
   * Rows without a commune take their station's (a station camera sits at its station),
   * else the 2019 commune found by their position. Rows are completed in place, so
   * what is written and answered is the commune used.
   */
  private async fillCommunes(manager: EntityManager, rows: CameraInputDto[]): Promise<void> {
    const missing = rows.filter((r) => !r.commune_code);
    if (missing.length === 0) return;
    const codes = [...new Set(missing.map((r) => r.station_code).filter((c): c is string => !!c))];
    const stations: { code: string; commune_code: string }[] = codes.length
      ? await manager.query(`SELECT code, commune_code FROM station WHERE code = ANY($1)`, [codes])
      : [];
    const communeOf = new Map(stations.map((s) => [s.code, s.commune_code]));
    for (const r of missing) {
      const fromStation = r.station_code ? communeOf.get(r.station_code) : undefined;
      if (fromStation) r.commune_code = fromStation;
      else if (Number.isFinite(r.lat) && Number.isFinite(r.lon))
        r.commune_code = (await this.communes.commune2019(r.lat, r.lon, manager)) ?? (undefined as unknown as string);
    }
  }

  private async stationIds(manager: EntityManager, rows: CameraInputDto[]): Promise<Map<string, number>> {
    const codes = [...new Set(rows.map((r) => r.station_code).filter((c): c is string => !!c))];
    if (codes.length === 0) return new Map();
    const found: { id: number; code: string }[] = await manager.query(`SELECT id, code FROM station WHERE code = ANY($1)`, [codes]);
    return new Map(found.map((s) => [s.code, s.id]));
  }
}
