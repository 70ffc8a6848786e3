/**
 * The picture-health loop: each station camera's next snapshot is a camera_view row;
 * this replica leases due rows with FOR UPDATE SKIP LOCKED and a lease expiry, as the
 * ONVIF checks do, so replicas share the work and a dead replica's cameras are taken
 * over. First snapshots are spread at random over one interval (CAMNET_VIEW_INTERVAL_S),
 * and each camera then keeps its own phase. At most config.view.concurrency in flight.
 * Between rounds the loop (LeasedLoop, shared with the ONVIF checks) sleeps until the
 * next snapshot falls due.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { LeasedLoop } from '../common/leased-loop';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { CAMNET_RUNTIME, CamnetRuntime } from '../common/runtime';
import { ViewRepository } from './view.repository';
import { ViewService } from './view.service';

export interface ViewSchedulerOptions {
  /** The shortest sleep of the loop between rounds (with nothing due it sleeps until the next snapshot is, at most 10 ticks). Default 1 s. */
  tickMs?: number;
  /** How often camera_view is reconciled with the inventory. Default 60 s. */
  reconcileMs?: number;
  /** How often the metrics history is pruned. Default 1 h. */
  pruneMs?: number;
  /** Start the loop with the application (off in tests that drive it by hand). Default: config.monitoring. */
  autostart?: boolean;
}
export const VIEW_SCHEDULER_OPTIONS = Symbol('VIEW_SCHEDULER_OPTIONS');

@Injectable()
export class ViewScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('view-scheduler');
  private readonly opts: Required<ViewSchedulerOptions>;
  private readonly loop: LeasedLoop;
  private started = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private lastReconcile = -Infinity;
  private lastPrune = -Infinity;

  constructor(
    private readonly repo: ViewRepository,
    private readonly service: ViewService,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
    @Inject(CAMNET_RUNTIME) private readonly runtime: CamnetRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(VIEW_SCHEDULER_OPTIONS) options?: ViewSchedulerOptions,
  ) {
    this.opts = {
      tickMs: options?.tickMs ?? 1000,
      reconcileMs: options?.reconcileMs ?? 60_000,
      pruneMs: options?.pruneMs ?? 3_600_000,
      autostart: options?.autostart ?? config.monitoring,
    };
    this.loop = new LeasedLoop(
      this.logger,
      'view loop',
      { round: (free) => this.tick(free), freeSlots: () => this.freeSlots, nextDueAt: () => this.repo.nextDueAt() },
      {
        tickMs: this.opts.tickMs,
        // Housekeeping (reconcile, prune) is checked at least this often.
        maxSleepMs: this.opts.tickMs * 10,
        maxBatch: config.view.concurrency,
        refillAt: 1,
        now: () => this.clock.now().getTime(),
      },
    );
  }

  private get freeSlots(): number {
    return Math.max(0, this.config.view.concurrency - this.inFlight.size);
  }

  get owner(): string {
    return `${this.runtime.instanceId}/view`;
  }

  /** A lease outlives one snapshot's deadline and its analysis. */
  private get leaseMs(): number {
    return this.config.view.timeoutMs * 3 + 5000;
  }

  onApplicationBootstrap(): void {
    if (this.opts.autostart) this.start();
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.logger.log(
      `picture health as ${this.owner}: a snapshot per station camera every ${this.config.view.intervalS} s, ${this.config.view.concurrency} at most in flight`,
    );
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
    await this.repo.releaseLeases(this.owner).catch(() => undefined);
  }

  /** One round: housekeeping when due, then lease and start up to `free` due snapshots. */
  async tick(free: number): Promise<number> {
    const now = this.clock.now();
    const nowMs = now.getTime();
    if (nowMs - this.lastReconcile >= this.opts.reconcileMs) {
      this.lastReconcile = nowMs;
      await this.repo.reconcile(now, this.config.view.intervalS);
    }
    if (nowMs - this.lastPrune >= this.opts.pruneMs) {
      this.lastPrune = nowMs;
      await this.repo.prune(new Date(nowMs - this.config.view.historyDays * 86_400_000));
    }
    if (free <= 0 || this.stopping) return 0;
    const rows = await this.repo.lease(free, this.owner, now, new Date(nowMs + this.leaseMs));
    for (const row of rows) {
      const p = this.service
        .check(row, { leaseOwner: this.owner, source: 'onvif' })
        .catch((e) => this.logger.error(`camera ${row.code}: view check failed: ${e?.message ?? e}`))
        .finally(() => {
          this.inFlight.delete(p);
          this.loop.slotFreed();
        });
      this.inFlight.add(p);
    }
    return rows.length;
  }

  /** Waits for the snapshots in flight (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
