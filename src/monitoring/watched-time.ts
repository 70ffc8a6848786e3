/**
 * The reader of when camnet was watching: the gaps between monitor sessions
 * over a window, for StatusHistoryRepository to apply (src/monitoring/unwatched.ts
 * holds the rule). The replica's own running session, if it has one, is marked
 * here by WatchSession, so this process never reads itself as crashed.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { MonitorSessionRepository } from './monitor-session.repository';
import { UnwatchedGap, unwatchedGaps } from './unwatched';

/** How often a running replica records that it is alive. */
export const ALIVE_EVERY_MS = 15_000;
/**
 * An unended session not heard from for this long has crashed (at its last sign
 * of life). Four beats: a replica whose database writes stall for a moment is
 * not read as stopped by the others.
 */
export const CRASHED_AFTER_MS = 4 * ALIVE_EVERY_MS;

/** What the history needs: the gaps overlapping a window (unclipped). */
export interface UnwatchedTime {
  gaps(from: Date, to: Date): Promise<UnwatchedGap[]>;
}

@Injectable()
export class WatchedTime implements UnwatchedTime {
  /** This process's running session (null: it is not watching, or not yet). */
  ownSession: number | null = null;

  constructor(
    private readonly sessions: MonitorSessionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async gaps(from: Date, to: Date): Promise<UnwatchedGap[]> {
    const aliveSince = new Date(this.clock.now().getTime() - CRASHED_AFTER_MS);
    const spans = await this.sessions.spansAround(from, to, { ownId: this.ownSession, aliveSince });
    return unwatchedGaps(spans, from.getTime(), to.getTime());
  }
}
