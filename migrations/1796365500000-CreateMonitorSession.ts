import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When camnet was watching: one row per run of a replica with monitoring on, so
 * the time it was stopped reads as unknown instead of as each camera's last
 * status. Existing history has no rows: it is read as before, up to the first
 * session.
 */
export class CreateMonitorSession1796365500000 implements MigrationInterface {
  name = 'CreateMonitorSession1796365500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE monitor_session (
        id serial PRIMARY KEY,
        instance_id text NOT NULL,
        started_at timestamptz NOT NULL,
        last_alive_at timestamptz NOT NULL,
        ended_at timestamptz,
        CHECK (last_alive_at >= started_at),
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await q.query(`CREATE INDEX monitor_session_started_at ON monitor_session (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE monitor_session`);
  }
}
