/**
 * The loop behind camnet's leased work queues (ONVIF checks, picture-health
 * snapshots): rounds that lease due rows and start their work, with sleeps in
 * between. Both queues share its rhythm:
 * - a round that filled every slot it asked for goes again at once (more may be due);
 * - with every slot busy it sleeps until enough slots free up (slotFreed);
 * - otherwise it sleeps until the next row falls due, never less than tickMs (so due
 *   rows are leased together, not one statement each) and never more than maxSleepMs
 *   (so a queue's housekeeping keeps its pace); wake() cuts a sleep short when work
 *   fell due early (a station came back, the inventory changed);
 * - a failed round is logged once per distinct error and retried after 4 × tickMs.
 */
import { Logger } from '@nestjs/common';

export interface LeasedWork {
  /** One round: housekeeping when due, then lease and start up to `free` due rows (none when free is 0); answers how many started. */
  round(free: number): Promise<number>;
  /** How many more could start now. */
  freeSlots(): number;
  /** When the next row can be leased (epoch ms), or null when none is waiting. */
  nextDueAt(): Promise<number | null>;
}

export interface LeasedLoopOptions {
  /** Shortest sleep between rounds, ms. */
  tickMs: number;
  /** Longest sleep between rounds, ms. */
  maxSleepMs: number;
  /** Most rows asked for in one round. */
  maxBatch: number;
  /** Freed slots that wake a loop sleeping because every slot was busy. */
  refillAt: number;
  /** The clock, epoch ms. */
  now: () => number;
}

export class LeasedLoop {
  private timer: NodeJS.Timeout | null = null;
  /** The loop sleeps because every slot is busy: freed slots wake it (see slotFreed). */
  private waitingForSlots = false;
  /** wake() came during a round: the next round starts as soon as this one ends. */
  private wokenDuringRound = false;
  private stopping = false;
  private ticking: Promise<void> | null = null;
  private lastError = '';

  constructor(
    private readonly logger: Logger,
    private readonly name: string,
    private readonly work: LeasedWork,
    private readonly opts: LeasedLoopOptions,
  ) {}

  start(): void {
    if (this.timer !== null || this.ticking !== null || this.stopping) return;
    this.schedule(0);
  }

  /** Stops the loop; resolves once a round under way has ended (work it started is the caller's to await). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Work fell due sooner than the loop expected: a sleeping loop looks now, a running round is followed by another. */
  wake(): void {
    if (this.stopping) return;
    if (this.timer === null) {
      if (this.ticking !== null) this.wokenDuringRound = true;
      return;
    }
    this.waitingForSlots = false;
    clearTimeout(this.timer);
    this.timer = null;
    this.schedule(0);
  }

  /** A piece of work ended. A loop waiting for slots looks again once refillAt are free (a quarter of them, not each one, keeps lease statements few). */
  slotFreed(): void {
    if (this.waitingForSlots && this.timer !== null && this.work.freeSlots() >= this.opts.refillAt) this.wake();
  }

  private schedule(ms: number, waitingForSlots = false): void {
    if (this.stopping) return;
    this.waitingForSlots = waitingForSlots;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.waitingForSlots = false;
      this.wokenDuringRound = false;
      this.ticking = this.round().then(
        (next) => {
          this.lastError = '';
          this.ticking = null;
          if (this.wokenDuringRound) this.schedule(0);
          else this.schedule(next.ms, next.waitingForSlots);
        },
        (err) => {
          // Logged once per distinct error, so a database outage does not flood the log.
          if (err?.message !== this.lastError) this.logger.error(`${this.name}: ${err?.message ?? err}`);
          this.lastError = err?.message;
          this.ticking = null;
          this.schedule(this.opts.tickMs * 4);
        },
      );
    }, ms);
  }

  /** One round, and how long to sleep after it. */
  private async round(): Promise<{ ms: number; waitingForSlots: boolean }> {
    const free = this.stopping ? 0 : Math.min(this.work.freeSlots(), this.opts.maxBatch);
    const started = await this.work.round(free);
    if (free > 0 && started === free && this.work.freeSlots() > 0) return { ms: 0, waitingForSlots: false };
    if (this.work.freeSlots() < this.opts.refillAt) return { ms: this.opts.tickMs, waitingForSlots: true };
    // Some rows were due and all were taken: more fall due as fast, look again after a tick.
    if (started > 0) return { ms: this.opts.tickMs, waitingForSlots: false };
    // Nothing was due: sleep until something is (asking costs a statement, so only when idle).
    const due = await this.work.nextDueAt();
    const ms = due === null ? this.opts.maxSleepMs : due - this.opts.now();
    return { ms: Math.min(this.opts.maxSleepMs, Math.max(this.opts.tickMs, ms)), waitingForSlots: false };
  }
}
