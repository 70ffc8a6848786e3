/**
 * CameraStateRepository on a real database (PostgreSQL, or PGlite under
 * CAMNET_TEST_DB=pglite): the CameraStateStore contract that the in-memory fake of
 * CameraStateService's spec is held to as well.
 */
import { CameraStateRepository } from '../../src/monitoring/camera-state.repository';
import { cameraStateStoreContract } from '../support/camera-state-store.contract';
import { openTestDatabase, TestDatabase } from '../support/database';

let db: TestDatabase;
let repo: CameraStateRepository;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = new CameraStateRepository(db.dataSource);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('CameraStateRepository: the contract', () => {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const one = async <T>(sql: string, params: unknown[]): Promise<T | null> => ((await q(sql, params)) as T[])[0] ?? null;
  cameraStateStoreContract(() => ({
    store: repo,
    station: async (code) => {
      const [{ id }] = await q(`INSERT INTO station (code, name, commune_code, lat, lon) VALUES ($1, $1, '27000', 10.6, 106.4) RETURNING id`, [code]);
      return id;
    },
    camera: async (c) => {
      const [{ id }] = await q(
        `INSERT INTO camera (code, station_id, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m)
         VALUES ($1, $2, $3, '27000', 10.6, 106.4, $4, 60, 40) RETURNING id`,
        [c.code, c.stationId, c.stationId === null ? 'citizen' : 'station', c.headingDeg],
      );
      return id;
    },
    schedule: async (cameraId, nextAt, leaseOwner = null) =>
      void (await q(`INSERT INTO probe_schedule (camera_id, next_at, interval_s, lease_owner, lease_until) VALUES ($1, $2, 60, $3, $4)`, [
        cameraId,
        nextAt.toISOString(),
        leaseOwner,
        leaseOwner === null ? null : new Date(nextAt.getTime() + 60_000).toISOString(),
      ])),
    cameraState: (id) =>
      one(
        `SELECT status, since, reason, pending_status, pending_count, last_check_at, last_ok_at, last_seen_at, last_error, clock_offset_s,
                heading_deg, ptz, device, view_issue
         FROM camera_state WHERE camera_id = $1`,
        [id],
      ),
    stationState: (id) => one(`SELECT status, since, last_seen_at, power, temp_c FROM station_state WHERE station_id = $1`, [id]),
    scheduleOf: (id) => one(`SELECT next_at, failures, lease_owner, last_ok_at, last_error FROM probe_schedule WHERE camera_id = $1`, [id]),
    statusEvents: (subject, id) =>
      q(`SELECT subject, subject_id AS id, at, status, source, reason FROM status_event WHERE subject = $1 AND subject_id = $2 ORDER BY status_event.id`, [
        subject,
        id,
      ]),
    orientationEvents: (id) =>
      q(
        `SELECT camera_id AS id, at, heading_deg AS heading, pan, tilt, zoom, source FROM orientation_event WHERE camera_id = $1 ORDER BY orientation_event.id`,
        [id],
      ),
  }));
});
