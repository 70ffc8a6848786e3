import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People log in: users with argon2id password hashes, their server-side sessions,
 * machine tokens with an optional expiry, and an audit log that names the person
 * and whether the attempt was refused. Existing tokens and audit rows stay valid.
 */
export class CreateAccounts1796362267728 implements MigrationInterface {
  name = 'CreateAccounts1796362267728';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id serial PRIMARY KEY,
        login text NOT NULL UNIQUE CHECK (login = lower(login) AND length(login) BETWEEN 2 AND 64),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'technician', 'police', 'planner')),
        state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
        password_hash text,
        must_change_password boolean NOT NULL DEFAULT false,
        failed_logins int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_session (
        id serial PRIMARY KEY,
        user_id int NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        csrf_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_reason text
      )`);
    await q.query(`CREATE INDEX user_session_user_idx ON user_session (user_id) WHERE ended_at IS NULL`);
    await q.query(`ALTER TABLE api_token ADD COLUMN expires_at timestamptz`);
    await q.query(`ALTER TABLE api_token ADD COLUMN created_by int REFERENCES app_user (id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN user_id int REFERENCES app_user (id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN actor text`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN outcome text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'refused'))`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN status int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP COLUMN status`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN outcome`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN actor`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN user_id`);
    await q.query(`ALTER TABLE api_token DROP COLUMN created_by`);
    await q.query(`ALTER TABLE api_token DROP COLUMN expires_at`);
    await q.query(`DROP TABLE user_session`);
    await q.query(`DROP TABLE app_user`);
  }
}
