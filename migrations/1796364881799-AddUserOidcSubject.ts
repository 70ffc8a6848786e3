import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users who sign in through the agency's OpenID provider: its issuer and subject, created on first login. */
export class AddUserOidcSubject1796364881799 implements MigrationInterface {
  name = 'AddUserOidcSubject1796364881799';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN oidc_subject text UNIQUE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN oidc_subject`);
  }
}
