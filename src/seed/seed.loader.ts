/**
 * Writes a generated inventory into an empty database in one transaction: all of it
 * or none. Rows go in as multi-row INSERTs (about 1,000 rows per statement), because
 * row-by-row inserts of 25,000 cameras take minutes on PGlite and seconds this way.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { SEED_META_KEY } from '../database/seed-meta';
import type { SeedInventory } from './seed.types';

export interface SeedLoadOptions {
  /** Start of the first poll cycle; probe_schedule.next_at is spread over [now, now + intervalS). Default: the wall clock. */
  now?: Date;
  /** The ONVIF poll interval per camera, seconds (CAMNET_POLL_INTERVAL_S). Default 60. */
  intervalS?: number;
  /** Progress messages (one line when done). */
  log?: (msg: string) => void;
}

export interface SeedLoadResult {
  adminUnits: number;
  routes: number;
  stations: number;
  cameras: number;
  roadSigns: number;
  probeSchedules: number;
  ms: number;
}

export class SeedRefusedError extends Error {}

const META_KEY = SEED_META_KEY;
/** PostgreSQL accepts at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;
const MAX_ROWS = 1000;
/** Serialises concurrent loaders (replicas starting together on one empty database). */
const SEED_LOCK = 80_2022;

/**
 * Loads `inv`; `encrypt` seals each ONVIF password (SecretBox.encrypt) so no plain
 * secret reaches the database. Throws SeedRefusedError, writing nothing, when the
 * database already holds stations, cameras or a seed record.
 */
export async function loadSeedInventory(
  dataSource: DataSource,
  inv: SeedInventory,
  encrypt: (plain: string) => string,
  options: SeedLoadOptions = {},
): Promise<SeedLoadResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const now = options.now ?? new Date();
  const intervalS = options.intervalS ?? 60;
  if (!Number.isInteger(intervalS) || intervalS <= 0) throw new Error(`intervalS must be a positive integer, got ${intervalS}`);

  const stationCodes = new Set(inv.stations.map((s) => s.code));
  for (const c of inv.cameras) {
    if (c.stationCode !== null && !stationCodes.has(c.stationCode))
      throw new Error(`camera ${c.code} names station ${c.stationCode}, which is not in the inventory`);
  }
  // Encrypt before the transaction opens: it is the slow, CPU-only part.
  const sealed = inv.cameras.map((c) => (c.onvifPassword === null ? null : encrypt(c.onvifPassword)));

  const q = dataSource.createQueryRunner();
  await q.connect();
  try {
    await q.startTransaction();
    await q.query(`SELECT pg_advisory_xact_lock($1)`, [SEED_LOCK]);
    const [present] = await q.query(
      `SELECT (SELECT count(*) FROM station)::int AS stations, (SELECT count(*) FROM camera)::int AS cameras,
              EXISTS (SELECT 1 FROM camnet_meta WHERE key = $1) AS seeded`,
      [META_KEY],
    );
    if (present.stations > 0 || present.cameras > 0 || present.seeded) {
      throw new SeedRefusedError(
        `the seed loads only into an empty inventory, but this database already holds ${present.stations} stations and ` +
          `${present.cameras} cameras${present.seeded ? ' and a seed record (camnet_meta "seed")' : ''}; ` +
          `start with an empty database or turn CAMNET_SEED off`,
      );
    }

    await insertRows(
      q,
      'admin_unit',
      ['layout', 'code', 'name', 'level', 'kind', 'parent_code', 'lat', 'lon', 'boundary', 'properties'],
      inv.adminUnits.map((u) => [u.layout, u.code, u.name, u.level, u.kind, u.parentCode, u.lat, u.lon, json(u.boundary), json(u.properties)]),
      {
        casts: { boundary: 'jsonb', properties: 'jsonb' },
        // Reference data: the seed's copy wins over whatever an earlier import left.
        suffix: `ON CONFLICT (layout, code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, kind = EXCLUDED.kind,
          parent_code = EXCLUDED.parent_code, lat = EXCLUDED.lat, lon = EXCLUDED.lon, boundary = EXCLUDED.boundary, properties = EXCLUDED.properties`,
      },
    );
    await insertRows(
      q,
      'route',
      ['ref', 'name', 'kind', 'geometry', 'length_m'],
      inv.routes.map((r) => [r.ref, r.name, r.kind, json(r.geometry), r.lengthM]),
      {
        casts: { geometry: 'jsonb' },
        suffix: `ON CONFLICT (ref) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, geometry = EXCLUDED.geometry, length_m = EXCLUDED.length_m`,
      },
    );
    const stationRows = await insertRows<{ id: number; code: string }>(
      q,
      'station',
      ['code', 'name', 'commune_code', 'commune_code_2025', 'lat', 'lon', 'route_ref', 'installed_on', 'funding_vnd', 'funding_source', 'uplink'],
      inv.stations.map((s) => [
        s.code,
        s.name,
        s.communeCode,
        s.communeCode2025,
        s.lat,
        s.lon,
        s.routeRef,
        s.installedOn,
        s.fundingVnd,
        s.fundingSource,
        s.uplink,
      ]),
      { returning: 'id, code' },
    );
    const stationId = new Map<string, number>(stationRows.map((r) => [r.code, r.id]));
    await insertRows(
      q,
      'camera',
      [
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
        'firmware',
        'serial',
        'owner_name',
        'owner_phone',
        'registered_on',
      ],
      inv.cameras.map((c, i) => [
        c.code,
        c.stationCode === null ? null : stationId.get(c.stationCode),
        c.ownership,
        c.communeCode,
        c.communeCode2025,
        c.lat,
        c.lon,
        c.headingDeg,
        c.fovDeg,
        c.rangeM,
        c.ptz,
        c.onvifUrl,
        c.onvifUser,
        sealed[i],
        c.vendor,
        c.model,
        c.firmware ?? null,
        c.serial ?? null,
        c.ownerName,
        c.ownerPhone,
        c.registeredOn,
      ]),
    );
    await insertRows(
      q,
      'road_sign',
      ['route_ref', 'commune_code', 'lat', 'lon'],
      inv.roadSigns.map((r) => [r.routeRef, r.communeCode, r.lat, r.lon]),
    );
    // The inventory was empty (checked above), so every camera and station is a seeded one.
    await q.query(`INSERT INTO camera_state (camera_id, status) SELECT id, 'unknown' FROM camera`);
    await q.query(`INSERT INTO station_state (station_id, status) SELECT id, 'unknown' FROM station`);
    // Spread the first checks evenly over one interval so the poller starts without a burst.
    const probes = await q.query(
      `INSERT INTO probe_schedule (camera_id, next_at, interval_s)
       SELECT id, $1::timestamptz + ((rn - 1) * $2::float8 / total) * interval '1 second', $3::int
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS total FROM camera WHERE onvif_url IS NOT NULL) c
       RETURNING camera_id`,
      [now.toISOString(), intervalS, intervalS],
    );
    const result: SeedLoadResult = {
      adminUnits: inv.adminUnits.length,
      routes: inv.routes.length,
      stations: inv.stations.length,
      cameras: inv.cameras.length,
      roadSigns: inv.roadSigns.length,
      probeSchedules: probes.length,
      ms: 0,
    };
    const { ms: _ms, ...counts } = result;
    await q.query(`INSERT INTO camnet_meta (key, value) VALUES ($1, $2::jsonb)`, [
      META_KEY,
      json({ generator_version: inv.generatorVersion ?? null, seed: inv.seed ?? null, loaded_at: now.toISOString(), counts }),
    ]);
    await q.commitTransaction();
    result.ms = Math.round(performance.now() - started);
    log(
      `seed loaded in ${result.ms} ms: ${result.adminUnits} admin units, ${result.routes} routes, ${result.stations} stations, ` +
        `${result.cameras} cameras, ${result.roadSigns} road signs, ${result.probeSchedules} probe schedules`,
    );
    return result;
  } catch (err) {
    if (q.isTransactionActive) await q.rollbackTransaction();
    throw err;
  } finally {
    await q.release();
  }
}

/** Multi-row INSERTs of `rows` (RETURNING rows typed as Row), as many rows per statement as the parameter limit allows (≤ 1,000). */
async function insertRows<Row = Record<string, unknown>>(
  q: QueryRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  opts: { casts?: Record<string, string>; suffix?: string; returning?: string } = {},
): Promise<Row[]> {
  const out: Row[] = [];
  const perStatement = Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns.length));
  const casts = columns.map((c) => (opts.casts?.[c] ? `::${opts.casts[c]}` : ''));
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = batch.map((row) => {
      if (row.length !== columns.length) throw new Error(`${table}: a row has ${row.length} values for ${columns.length} columns`);
      const slots = row.map((v, i) => {
        params.push(v === undefined ? null : v);
        return `$${params.length}${casts[i]}`;
      });
      return `(${slots.join(', ')})`;
    });
    const sql =
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}` +
      (opts.suffix ? ` ${opts.suffix}` : '') +
      (opts.returning ? ` RETURNING ${opts.returning}` : '');
    const res = await q.query(sql, params);
    if (opts.returning) out.push(...res);
  }
  return out;
}

/** jsonb parameters go as text: the pg driver would turn a JS array into a PostgreSQL array. */
function json(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}
