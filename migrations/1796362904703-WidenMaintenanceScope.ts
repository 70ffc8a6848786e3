import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maintenance windows may cover a whole district (all its communes' stations and
 * cameras), and remember who opened them and when they were last changed.
 */
export class WidenMaintenanceScope1796362904703 implements MigrationInterface {
  name = 'WidenMaintenanceScope1796362904703';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE maintenance_window DROP CONSTRAINT IF EXISTS maintenance_window_scope_check`);
    await q.query(`ALTER TABLE maintenance_window ADD CONSTRAINT maintenance_window_scope_check CHECK (scope IN ('camera', 'station', 'commune', 'district'))`);
    await q.query(`ALTER TABLE maintenance_window ADD COLUMN created_by text, ADD COLUMN updated_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    // District windows cannot be expressed in the narrower scope: they go with the constraint.
    await q.query(`DELETE FROM maintenance_window WHERE scope = 'district'`);
    await q.query(`ALTER TABLE maintenance_window DROP CONSTRAINT IF EXISTS maintenance_window_scope_check`);
    await q.query(`ALTER TABLE maintenance_window ADD CONSTRAINT maintenance_window_scope_check CHECK (scope IN ('camera', 'station', 'commune'))`);
    await q.query(`ALTER TABLE maintenance_window DROP COLUMN created_by, DROP COLUMN updated_at`);
  }
}
