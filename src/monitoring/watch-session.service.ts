/**
 * The record that this replica is watching: with monitoring on, a monitor_session
 * row opened at start, its last_alive_at moved every ALIVE_EVERY_MS, and closed
 * on a clean stop. A crash leaves last_alive_at as the session's end. With
 * monitoring off the replica records nothing: it is not watching.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_RUNTIME, CamnetRuntime } from '../common/runtime';
import { MonitorSessionRepository } from './monitor-session.repository';
import { ALIVE_EVERY_MS, WatchedTime } from './watched-time';

/** How long a stop waits for the database to record the session's end. */
const STOP_WAIT_MS = 3000;

/** `p`'s value if it settles within `ms` (a rejection throws), else undefined; the timer never outlives it. */
async function settledWithin<T>(p: Promise<T> | null, ms: number): Promise<T | undefined> {
  if (p === null) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class WatchSession implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('watch');
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private lastError = '';

  constructor(
    private readonly sessions: MonitorSessionRepository,
    private readonly watched: WatchedTime,
    @Inject(CAMNET_RUNTIME) private readonly runtime: CamnetRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runtime.config.monitoring) return;
    await this.beat();
    this.timer = setInterval(() => void this.beat(), ALIVE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // A database that is away must not hold the stop: the session then reads as crashed at its last beat.
    await settledWithin(this.beating, STOP_WAIT_MS);
    const id = this.watched.ownSession;
    if (id === null) return;
    try {
      const closed = await settledWithin(
        this.sessions.close(id, this.clock.now()).then(() => true),
        STOP_WAIT_MS,
      );
      if (closed !== true) throw new Error(`no answer from the database in ${STOP_WAIT_MS} ms`);
      this.watched.ownSession = null;
    } catch (err) {
      // Read later as a crash at its last sign of life: a little of the watched time becomes unknown, never the reverse.
      this.logger.warn(`could not record the end of this replica's watch: ${(err as Error).message}`);
    }
  }

  /** Opens the session if it is not yet open (the database may have been away at start), else records that it is alive. */
  private beat(): Promise<void> {
    this.beating ??= this.writeBeat().finally(() => (this.beating = null));
    return this.beating;
  }

  private async writeBeat(): Promise<void> {
    try {
      const now = this.clock.now();
      if (this.watched.ownSession === null) {
        this.watched.ownSession = await this.sessions.open(this.runtime.instanceId, now);
        this.logger.log(`watching as ${this.runtime.instanceId} (session ${this.watched.ownSession})`);
      } else {
        await this.sessions.alive(this.watched.ownSession, now);
      }
      this.lastError = '';
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.lastError) this.logger.warn(`could not record that this replica is watching: ${message}`);
      this.lastError = message;
    }
  }
}
