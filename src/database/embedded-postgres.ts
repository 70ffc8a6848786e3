/**
 * Embedded PostgreSQL for `npm start` on a bare machine: PGlite (Postgres in WASM)
 * served on a loopback socket so that the ordinary `pg` driver and TypeORM talk to
 * it exactly as they talk to a real server. PGlite runs one transaction at a time,
 * so embedded mode is single-replica (see README).
 */
import * as fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

/** Starts PGlite in `dir` (created if missing) or in memory when dir is null. */
export async function startEmbeddedPostgres(dir: string | null, maxConnections = 10): Promise<EmbeddedPostgres> {
  if (dir !== null) fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir ?? undefined);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  // getServerConn() answers "host:port"; port 0 lets the OS pick a free one.
  const conn = server.getServerConn();
  return {
    url: `postgresql://postgres@${conn}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
