import { openTestDatabase, TestDatabase } from './support/database';
import { MIGRATIONS } from '../migrations';

const TABLES = [
  'admin_unit',
  'route',
  'station',
  'camera',
  'road_sign',
  'api_token',
  'audit_log',
  'app_user',
  'user_session',
  'status_event',
  'probe_schedule',
  'alert',
  'uptime_daily',
];

async function tables(db: TestDatabase): Promise<string[]> {
  const rows: { table_name: string }[] = await db.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'camnet_migrations'`,
  );
  return rows.map((r) => r.table_name).sort();
}

describe('migrations (up and down)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase({ migrate: false });
  });
  afterAll(() => db.close());

  it('apply every migration, revert every one, and apply them again', async () => {
    const applied = await db.dataSource.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await tables(db)).toEqual(expect.arrayContaining(TABLES));

    for (let i = 0; i < MIGRATIONS.length; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables(db)).toEqual([]);

    await db.dataSource.runMigrations({ transaction: 'each' });
    expect(await tables(db)).toEqual(expect.arrayContaining(TABLES));
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it('the entities match the hand-written tables and columns', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    // CHECK constraints, foreign keys and indexes live only in the migrations, so
    // TypeORM would drop them; every other difference is a real mismatch.
    const mismatches = sql.upQueries.map((q) => q.query).filter((q) => !/DROP (CONSTRAINT|INDEX)/.test(q));
    expect(mismatches).toEqual([]);
  });
});
