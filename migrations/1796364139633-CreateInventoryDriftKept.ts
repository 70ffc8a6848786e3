import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A technician's word that the inventory is right although the device reports other
 * model, firmware or serial values: those reported values stop being listed as drift
 * (new, different ones are listed again).
 */
export class CreateInventoryDriftKept1796364139633 implements MigrationInterface {
  name = 'CreateInventoryDriftKept1796364139633';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inventory_drift_kept (
        camera_id int PRIMARY KEY REFERENCES camera (id) ON DELETE CASCADE,
        reported jsonb NOT NULL,
        kept_at timestamptz NOT NULL,
        kept_by text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inventory_drift_kept`);
  }
}
