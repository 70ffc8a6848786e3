import { MigrationInterface, QueryRunner } from 'typeorm';

/** Bearer tokens (hashed) and the audit log. */
export class CreateAuth1764230401000 implements MigrationInterface {
  name = 'CreateAuth1764230401000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_token (
        id serial PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'technician', 'police', 'planner')),
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        token_id int REFERENCES api_token (id),
        role text,
        action text NOT NULL,
        target text,
        params jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE api_token`);
  }
}
