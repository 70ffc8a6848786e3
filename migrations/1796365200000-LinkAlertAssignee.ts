import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert is assigned to a person's account, not to free text: the account's id
 * beside the login shown. Assignees written before this that name an account's
 * login are linked; any other text stays as it was, unlinked, until reassigned.
 */
export class LinkAlertAssignee1796365200000 implements MigrationInterface {
  name = 'LinkAlertAssignee1796365200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert ADD COLUMN assignee_user_id integer REFERENCES app_user (id)`);
    await q.query(`UPDATE alert a SET assignee_user_id = u.id FROM app_user u WHERE u.login = lower(trim(a.assignee))`);
    await q.query(`CREATE INDEX alert_assignee_user_open ON alert (assignee_user_id) WHERE resolved_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert DROP COLUMN assignee_user_id`);
  }
}
