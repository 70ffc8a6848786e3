import { MigrationInterface, QueryRunner } from 'typeorm';

/** A user's optional scope: one district or one commune (2019 codes); null: the whole province. */
export class AddUserScope1796364286162 implements MigrationInterface {
  name = 'AddUserScope1796364286162';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN scope_kind text CHECK (scope_kind IN ('district', 'commune'))`);
    await q.query(`ALTER TABLE app_user ADD COLUMN scope_code text`);
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_scope_pair CHECK ((scope_kind IS NULL) = (scope_code IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_scope_pair`);
    await q.query(`ALTER TABLE app_user DROP COLUMN scope_code`);
    await q.query(`ALTER TABLE app_user DROP COLUMN scope_kind`);
  }
}
