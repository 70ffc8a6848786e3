/**
 * The seed record in camnet_meta: written by the seed loader, read at start-up
 * (CAMNET_SEED=auto) and by /readyz. It lives with the database so that health
 * reads it without importing the seed module above it.
 */
import type { DataSource } from 'typeorm';

/** camnet_meta key of the record the seed loader writes once the inventory is in. */
export const SEED_META_KEY = 'seed';

/** Whether a seed was ever loaded into this database (camnet_meta 'seed'). */
export async function isSeedLoaded(dataSource: DataSource): Promise<boolean> {
  const rows = await dataSource.query(`SELECT 1 FROM camnet_meta WHERE key = $1`, [SEED_META_KEY]);
  return rows.length > 0;
}
