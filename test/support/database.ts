/**
 * A fresh, empty database for one test file: a new database on the real PostgreSQL
 * named by DATABASE_URL (CI), or an in-memory PGlite when it is unset or when
 * CAMNET_TEST_DB=pglite (how CI runs the suite a second time on the embedded engine).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

export interface TestDatabase {
  url: string;
  engine: 'postgres' | 'pglite';
  dataSource: DataSource;
  close(): Promise<void>;
}

export function testDatabaseEngine(): 'postgres' | 'pglite' {
  return process.env.DATABASE_URL && process.env.CAMNET_TEST_DB !== 'pglite' ? 'postgres' : 'pglite';
}

/** Opens a fresh database; with migrate=true (the default) every migration is applied. */
export async function openTestDatabase(options: { migrate?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  let url: string;
  let dropDatabase: () => Promise<void>;
  let engine: TestDatabase['engine'];
  if (testDatabaseEngine() === 'postgres') {
    engine = 'postgres';
    const admin = new URL(process.env.DATABASE_URL!);
    const name = `camnet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withClient(admin.toString(), (c) => c.query(`CREATE DATABASE ${name}`));
    const u = new URL(admin.toString());
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = () => withClient(admin.toString(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  } else {
    engine = 'pglite';
    // Room for the test's own pool and for a whole service started on the same database.
    const embedded = await startEmbeddedPostgres(null, 32);
    url = embedded.url;
    dropDatabase = embedded.close;
  }
  const dataSource = createDataSource(url, options.poolSize ?? (engine === 'pglite' ? 1 : 4));
  await dataSource.initialize();
  if (migrate) await dataSource.runMigrations({ transaction: 'each' });
  return {
    url,
    engine,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase();
    },
  };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
