/**
 * The SQL of monitor_session, the record of when camnet was watching: the
 * running replica's writes (open, alive, close) and the read of the sessions
 * around a window, from which src/monitoring/unwatched.ts finds the gaps.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { entityColumns } from '../database/entity-columns';
import { MonitorSession } from './monitoring.entities';
import type { WatchSpan } from './unwatched';

const ms = entityColumns(MonitorSession);

/** Which unended sessions still run, as a reader judges them. */
export interface Liveness {
  /** The session of the reading process itself, running whatever its last_alive_at says (null: none). */
  ownId: number | null;
  /** An unended session alive at or after this time runs; one alive only before it crashed at its last_alive_at. */
  aliveSince: Date;
}

@Injectable()
export class MonitorSessionRepository {
  constructor(private readonly db: DataSource) {}

  /** Records that this replica starts watching at `at`; answers the session's id. */
  async open(instanceId: string, at: Date): Promise<number> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO ${ms.table} (${ms.col.instanceId}, ${ms.col.startedAt}, ${ms.col.lastAliveAt}) VALUES ($1, $2, $2) RETURNING ${ms.col.id} AS id`,
      [instanceId, at],
    );
    return rows[0].id;
  }

  /** Moves the session's last sign of life to `at` (never backwards). */
  async alive(id: number, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE ${ms.table} SET ${ms.col.lastAliveAt} = greatest(${ms.col.lastAliveAt}, $2) WHERE ${ms.col.id} = $1 AND ${ms.col.endedAt} IS NULL`,
      [id, at],
    );
  }

  /** Records a clean stop at `at`. */
  async close(id: number, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE ${ms.table} SET ${ms.col.lastAliveAt} = greatest(${ms.col.lastAliveAt}, $2), ${ms.col.endedAt} = greatest(${ms.col.lastAliveAt}, $2)
        WHERE ${ms.col.id} = $1 AND ${ms.col.endedAt} IS NULL`,
      [id, at],
    );
  }

  /**
   * The watched spans needed to find the gaps overlapping [from, to] exactly:
   * every session overlapping it, the last one ending before it, the first one
   * starting after it, and the first session ever (before which history is read
   * as it was). One statement; monitor_session holds a row per replica start.
   */
  async spansAround(from: Date, to: Date, live: Liveness): Promise<WatchSpan[]> {
    const rows: { started_at: Date; ends_at: Date | null }[] = await this.db.query(
      `WITH s AS (
         SELECT ${ms.col.startedAt} AS started_at,
                CASE WHEN ${ms.col.endedAt} IS NOT NULL THEN ${ms.col.endedAt}
                     WHEN ${ms.col.id} = $3 OR ${ms.col.lastAliveAt} >= $4 THEN NULL
                     ELSE ${ms.col.lastAliveAt} END AS ends_at
           FROM ${ms.table})
       SELECT started_at, ends_at FROM s WHERE started_at <= $2 AND COALESCE(ends_at, 'infinity') > $1
       UNION ALL (SELECT started_at, ends_at FROM s WHERE ends_at <= $1 ORDER BY ends_at DESC LIMIT 1)
       UNION ALL (SELECT started_at, ends_at FROM s WHERE started_at > $2 ORDER BY started_at LIMIT 1)
       UNION ALL (SELECT started_at, ends_at FROM s ORDER BY started_at LIMIT 1)`,
      [from, to, live.ownId ?? -1, live.aliveSince],
    );
    return rows.map((r) => ({ from: new Date(r.started_at).getTime(), to: r.ends_at === null ? null : new Date(r.ends_at).getTime() }));
  }
}
