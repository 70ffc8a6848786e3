import { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_KINDS = `'offline', 'station_down', 'turned', 'clock_drift', 'auth_failed'`;
const VIEW_KINDS = `'view_dark', 'view_blocked', 'view_blurred', 'view_frozen', 'view_moved'`;

/**
 * Picture health (src/view): each station camera's latest view and its schedule
 * (camera_view), its day and night references (camera_view_reference), the metrics of
 * every check (camera_view_check), the confirmed picture fault in camera_state, and the
 * five view_* alert kinds.
 */
export class CreateCameraView1796363296435 implements MigrationInterface {
  name = 'CreateCameraView1796363296435';

  async up(q: QueryRunner): Promise<void> {
    const state = `CHECK (state IN ('ok', 'dark', 'blocked', 'blurred', 'frozen', 'moved', 'no_snapshot', 'no_reference', 'error', 'unchecked'))`;
    await q.query(`
      CREATE TABLE camera_view (
        camera_id int PRIMARY KEY REFERENCES camera (id) ON DELETE CASCADE,
        state text NOT NULL DEFAULT 'unchecked' ${state},
        since timestamptz,
        checked_at timestamptz,
        pending_state text,
        pending_count int NOT NULL DEFAULT 0,
        metrics jsonb,
        error jsonb,
        frozen_run int NOT NULL DEFAULT 0,
        thumbnail bytea,
        frame bytea,
        next_at timestamptz NOT NULL,
        lease_owner text,
        lease_until timestamptz
      )`);
    await q.query(`CREATE INDEX camera_view_next_at_idx ON camera_view (next_at)`);
    await q.query(`
      CREATE TABLE camera_view_reference (
        camera_id int NOT NULL REFERENCES camera (id) ON DELETE CASCADE,
        slot text NOT NULL CHECK (slot IN ('day', 'night')),
        taken_at timestamptz NOT NULL,
        set_by text NOT NULL,
        thumbnail bytea NOT NULL,
        scalars jsonb NOT NULL,
        vectors bytea NOT NULL,
        PRIMARY KEY (camera_id, slot)
      )`);
    await q.query(`
      CREATE TABLE camera_view_check (
        id bigserial PRIMARY KEY,
        camera_id int NOT NULL REFERENCES camera (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        state text NOT NULL ${state},
        metrics jsonb
      )`);
    await q.query(`CREATE INDEX camera_view_check_camera_at_idx ON camera_view_check (camera_id, at)`);
    await q.query(`CREATE INDEX camera_view_check_at_idx ON camera_view_check (at)`);
    await q.query(`ALTER TABLE camera_state ADD COLUMN view_issue text`);
    await q.query(`ALTER TABLE alert DROP CONSTRAINT IF EXISTS alert_kind_check`);
    await q.query(`ALTER TABLE alert ADD CONSTRAINT alert_kind_check CHECK (kind IN (${OLD_KINDS}, ${VIEW_KINDS}))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert WHERE kind IN (${VIEW_KINDS})`);
    await q.query(`ALTER TABLE alert DROP CONSTRAINT IF EXISTS alert_kind_check`);
    await q.query(`ALTER TABLE alert ADD CONSTRAINT alert_kind_check CHECK (kind IN (${OLD_KINDS}))`);
    await q.query(`ALTER TABLE camera_state DROP COLUMN view_issue`);
    await q.query(`DROP TABLE camera_view_check`);
    await q.query(`DROP TABLE camera_view_reference`);
    await q.query(`DROP TABLE camera_view`);
  }
}
