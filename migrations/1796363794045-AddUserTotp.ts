import { MigrationInterface, QueryRunner } from 'typeorm';

/** An optional TOTP second factor for a user: the secret sealed with the service key, and the last step used (no replay). */
export class AddUserTotp1796363794045 implements MigrationInterface {
  name = 'AddUserTotp1796363794045';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN totp_secret text`);
    await q.query(`ALTER TABLE app_user ADD COLUMN totp_enabled boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE app_user ADD COLUMN totp_last_step bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN totp_last_step`);
    await q.query(`ALTER TABLE app_user DROP COLUMN totp_enabled`);
    await q.query(`ALTER TABLE app_user DROP COLUMN totp_secret`);
  }
}
