/**
 * A small province for the console's tests: two districts, three communes, two
 * stations and a handful of cameras in every kind of trouble, written straight into
 * the state tables (as the status machine leaves them) so each reason is known.
 */
import { DataSource } from 'typeorm';

export const T_DOWN = '2026-12-01T08:00:00.000Z';

export async function loadConsoleFixtures(db: DataSource): Promise<void> {
  await db.query(`INSERT INTO admin_unit (layout, code, name, level, parent_code) VALUES
    ('2019', '800', 'Huyện Thử', 'district', NULL),
    ('2019', '801', 'Huyện Khác', 'district', NULL),
    ('2019', '30001', 'Xã Một', 'commune', '800'),
    ('2019', '30002', '=HYPERLINK("http://evil")', 'commune', '801'),
    ('2019', '30003', 'Xã Ba', 'commune', '800')`);
  await db.query(`INSERT INTO station (code, name, commune_code, lat, lon) VALUES
    ('ST-A', 'Trạm A', '30001', 10.60, 106.40), ('ST-B', 'Trạm B', '30002', 10.70, 106.50)`);
  const cam = (code: string, station: string | null, commune: string, heading: number, onvif: boolean) =>
    db.query(
      `INSERT INTO camera (code, station_id, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m, onvif_url)
       VALUES ($1, (SELECT id FROM station WHERE code = $2), $3, $4, 10.6, 106.4, $5, 60, 50, $6)`,
      [code, station, station ? 'station' : 'citizen', commune, heading, onvif ? `http://127.0.0.1:9/onvif/${code}` : null],
    );
  await cam('ST-A-C1', 'ST-A', '30001', 90, true);
  await cam('ST-A-C2', 'ST-A', '30001', 90, true);
  await cam('ST-A-C3', 'ST-A', '30001', 90, true);
  await cam('ST-B-C1', 'ST-B', '30002', 0, true);
  await cam('ST-B-C2', 'ST-B', '30002', 0, true);
  await cam('CIT-1', null, '30003', 0, true);
  await cam('CIT-2', null, '30003', 0, false);
  await db.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera`);
  await db.query(`INSERT INTO station_state (station_id) SELECT id FROM station`);
  // The scheduler's rows, as its reconcile would make them: monitored cameras only.
  await db.query(`INSERT INTO probe_schedule (camera_id, next_at, interval_s) SELECT id, '2030-01-01', 60 FROM camera WHERE onvif_url IS NOT NULL`);
  const state = (code: string, status: string, since: string, cause: string | null, extra: Record<string, unknown> = {}) =>
    db.query(
      `UPDATE camera_state SET status = $2, since = $3, reason = $4, last_error = $5::jsonb, clock_offset_s = $6, heading_deg = $7
       WHERE camera_id = (SELECT id FROM camera WHERE code = $1)`,
      [code, status, since, cause, extra.last_error ? JSON.stringify(extra.last_error) : null, extra.clock ?? null, extra.heading ?? null],
    );
  await state('ST-A-C1', 'offline', '2026-12-01T07:00:00Z', 'unreachable', { last_error: { kind: 'timeout', message: 'no answer within 5000 ms' } });
  await state('ST-A-C2', 'online', '2026-12-01T06:00:00Z', null);
  await state('ST-A-C3', 'degraded', '2026-12-01T09:00:00Z', 'turned', { heading: 200 });
  await state('ST-B-C1', 'offline', T_DOWN, 'station_down', { last_error: { kind: 'refused', message: 'ECONNRESET' } });
  await state('ST-B-C2', 'offline', T_DOWN, 'station_down');
  await state('CIT-1', 'degraded', '2026-12-01T10:00:00Z', 'clock_drift', { clock: 3600 });
  await db.query(`UPDATE station_state SET status = 'online', since = '2026-12-01T00:00:00Z' WHERE station_id = (SELECT id FROM station WHERE code = 'ST-A')`);
  await db.query(`UPDATE station_state SET status = 'offline', since = $1 WHERE station_id = (SELECT id FROM station WHERE code = 'ST-B')`, [T_DOWN]);
  await db.query(
    `INSERT INTO status_event (subject, subject_id, at, status, source, reason)
     SELECT 'station', id, $1, 'offline', 'mqtt', 'station offline (MQTT Will or status)' FROM station WHERE code = 'ST-B'`,
    [T_DOWN],
  );
  await db.query(
    `INSERT INTO alert (kind, subject, opened_at) VALUES ('offline', 'camera:ST-A-C1', '2026-12-01T07:00:00Z'),
    ('station_down', 'station:ST-B', $1), ('turned', 'camera:ST-A-C3', '2026-12-01T09:00:00Z')`,
    [T_DOWN],
  );
}
