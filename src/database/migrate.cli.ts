/**
 * `npm run migration:run` / `npm run migration:revert`: apply all pending migrations,
 * or revert the last one, on DATABASE_URL or the embedded database in CAMNET_DATA_DIR.
 */
import * as path from 'node:path';
import { loadConfig } from '../config/config';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const direction = process.argv[2];
  if (direction !== 'up' && direction !== 'down') throw new Error('usage: migrate.cli (up|down)');
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(path.join(config.dataDir, 'pglite'), 2);
  const ds = createDataSource(config.databaseUrl ?? embedded!.url, 1);
  await ds.initialize();
  try {
    if (direction === 'up') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'nothing to apply');
    } else {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    }
  } finally {
    await ds.destroy();
    await embedded?.close();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
