import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily uptime rollups keep offline and degraded seconds apart, so reports over
 * rolled-up days need not replay the events of cameras that were degraded.
 */
export class AddUptimeStatusSplit1795765695000 implements MigrationInterface {
  name = 'AddUptimeStatusSplit1795765695000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE uptime_daily
        ADD COLUMN offline_s double precision NOT NULL DEFAULT 0,
        ADD COLUMN degraded_s double precision NOT NULL DEFAULT 0`);
    // Existing rows cannot know the split. Rollups are derived from status_event, so
    // they are dropped with their watermark and the job rolls every day up again.
    await q.query(`DELETE FROM uptime_daily`);
    await q.query(`DELETE FROM camnet_meta WHERE key = 'uptime.rolled_through'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uptime_daily DROP COLUMN degraded_s, DROP COLUMN offline_s`);
  }
}
