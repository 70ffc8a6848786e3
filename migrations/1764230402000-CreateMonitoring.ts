import { MigrationInterface, QueryRunner } from 'typeorm';

/** Status history, orientation history, the probe schedule, current state, alerts, maintenance, uptime rollups. */
export class CreateMonitoring1764230402000 implements MigrationInterface {
  name = 'CreateMonitoring1764230402000';

  async up(q: QueryRunner): Promise<void> {
    const status = `CHECK (status IN ('online', 'offline', 'degraded', 'maintenance', 'unknown'))`;
    await q.query(`
      CREATE TABLE status_event (
        id bigserial PRIMARY KEY,
        subject text NOT NULL CHECK (subject IN ('camera', 'station')),
        subject_id int NOT NULL,
        at timestamptz NOT NULL,
        status text NOT NULL ${status},
        source text NOT NULL CHECK (source IN ('onvif', 'mqtt', 'manual', 'system')),
        reason text
      )`);
    await q.query(`CREATE INDEX status_event_subject_at_idx ON status_event (subject, subject_id, at)`);
    await q.query(`CREATE INDEX status_event_at_idx ON status_event (at)`);
    await q.query(`
      CREATE TABLE orientation_event (
        id bigserial PRIMARY KEY,
        camera_id int NOT NULL REFERENCES camera (id),
        at timestamptz NOT NULL,
        heading_deg double precision,
        pan double precision,
        tilt double precision,
        zoom double precision,
        source text NOT NULL
      )`);
    await q.query(`CREATE INDEX orientation_event_camera_at_idx ON orientation_event (camera_id, at)`);
    await q.query(`
      CREATE TABLE probe_schedule (
        camera_id int PRIMARY KEY REFERENCES camera (id) ON DELETE CASCADE,
        next_at timestamptz NOT NULL,
        interval_s int NOT NULL CHECK (interval_s > 0),
        failures int NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until timestamptz,
        last_ok_at timestamptz,
        last_error jsonb
      )`);
    await q.query(`CREATE INDEX probe_schedule_next_at_idx ON probe_schedule (next_at)`);
    await q.query(`
      CREATE TABLE camera_state (
        camera_id int PRIMARY KEY REFERENCES camera (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'unknown' ${status},
        since timestamptz,
        reason text,
        pending_status text,
        pending_count int NOT NULL DEFAULT 0,
        last_check_at timestamptz,
        last_ok_at timestamptz,
        last_seen_at timestamptz,
        last_error jsonb,
        clock_offset_s double precision,
        heading_deg double precision,
        ptz jsonb,
        device jsonb
      )`);
    await q.query(`CREATE INDEX camera_state_status_idx ON camera_state (status)`);
    await q.query(`
      CREATE TABLE station_state (
        station_id int PRIMARY KEY REFERENCES station (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'unknown' ${status},
        since timestamptz,
        last_seen_at timestamptz,
        power text,
        temp_c double precision
      )`);
    await q.query(`
      CREATE TABLE alert (
        id serial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('offline', 'station_down', 'turned', 'clock_drift', 'auth_failed')),
        subject text NOT NULL,
        opened_at timestamptz NOT NULL,
        acked_at timestamptz,
        acked_by text,
        resolved_at timestamptz,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    // At most one open alert of a kind per subject.
    await q.query(`CREATE UNIQUE INDEX alert_open_unique ON alert (kind, subject) WHERE resolved_at IS NULL`);
    await q.query(`
      CREATE TABLE maintenance_window (
        id serial PRIMARY KEY,
        scope text NOT NULL CHECK (scope IN ('camera', 'station', 'commune')),
        scope_id text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        reason text,
        CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX maintenance_window_scope_idx ON maintenance_window (scope, scope_id)`);
    await q.query(`
      CREATE TABLE uptime_daily (
        subject text NOT NULL,
        subject_id int NOT NULL,
        day date NOT NULL,
        online_s double precision NOT NULL,
        known_s double precision NOT NULL,
        maintenance_s double precision NOT NULL,
        PRIMARY KEY (subject, subject_id, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['uptime_daily', 'maintenance_window', 'alert', 'station_state', 'camera_state', 'probe_schedule', 'orientation_event', 'status_event']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
