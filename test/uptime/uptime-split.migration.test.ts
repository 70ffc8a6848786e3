import { AddUptimeStatusSplit1795765695000 } from '../../migrations/1795765695000-AddUptimeStatusSplit';
import { openTestDatabase, TestDatabase } from '../support/database';

describe('AddUptimeStatusSplit migration', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db?.close());

  it('drops rollups written without the split, and their watermark, so every day is rolled again', async () => {
    const migration = new AddUptimeStatusSplit1795765695000();
    const qr = db.dataSource.createQueryRunner();
    try {
      await migration.down(qr);
      await qr.query(`INSERT INTO uptime_daily (subject, subject_id, day, online_s, known_s, maintenance_s) VALUES ('camera', 1, '2025-03-01', 10, 20, 0)`);
      await qr.query(`INSERT INTO camnet_meta (key, value) VALUES ('uptime.rolled_through', '"2025-03-01"'), ('other.key', '1')`);
      await migration.up(qr);
      expect(await qr.query(`SELECT * FROM uptime_daily`)).toEqual([]);
      expect((await qr.query(`SELECT key FROM camnet_meta ORDER BY key`)).map((r: { key: string }) => r.key)).toEqual(['other.key']);
      const cols = await qr.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'uptime_daily' AND column_name IN ('offline_s', 'degraded_s') ORDER BY 1`,
      );
      expect(cols.map((r: { column_name: string }) => r.column_name)).toEqual(['degraded_s', 'offline_s']);
    } finally {
      await qr.release();
    }
  });
});
