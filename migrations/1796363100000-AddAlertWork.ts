import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Work on an alert: who it is assigned to, who resolved it by hand and why, and the
 * alert's history (opened, acknowledged, assigned, notes, resolved) kept row by row.
 */
export class AddAlertWork1796363100000 implements MigrationInterface {
  name = 'AddAlertWork1796363100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert ADD COLUMN assignee text, ADD COLUMN resolved_by text`);
    await q.query(`
      CREATE TABLE alert_event (
        id bigserial PRIMARY KEY,
        alert_id int NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        action text NOT NULL CHECK (action IN ('opened', 'acked', 'assigned', 'note', 'resolved')),
        by text,
        note text,
        assignee text
      )`);
    await q.query(`CREATE INDEX alert_event_alert_idx ON alert_event (alert_id, at)`);
    // Alerts already there get their known history: opened, acknowledged, resolved.
    await q.query(`INSERT INTO alert_event (alert_id, at, action, by) SELECT id, opened_at, 'opened', 'camnet' FROM alert`);
    await q.query(`INSERT INTO alert_event (alert_id, at, action, by) SELECT id, acked_at, 'acked', acked_by FROM alert WHERE acked_at IS NOT NULL`);
    await q.query(`INSERT INTO alert_event (alert_id, at, action, by) SELECT id, resolved_at, 'resolved', 'camnet' FROM alert WHERE resolved_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_event`);
    await q.query(`ALTER TABLE alert DROP COLUMN assignee, DROP COLUMN resolved_by`);
  }
}
