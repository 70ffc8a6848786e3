/**
 * The poll loop (DESIGN.md "Scaling out"): each camera's next check lives in a
 * probe_schedule row; this replica leases a batch of due rows with FOR UPDATE SKIP
 * LOCKED and a lease expiry, so replicas split the work and a dead replica's cameras
 * are taken over once its leases expire. Never more checks in flight than
 * config.probeConcurrency. Between rounds the loop (LeasedLoop) sleeps until the next
 * check falls due, and is woken early when a station's return asks for its cameras'
 * checks now or the inventory changes. Embedded mode (PGlite) runs one replica: SKIP
 * LOCKED waits there instead of skipping.
 */
import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { LeasedLoop } from '../common/leased-loop';
import { OpenedSecrets, SecretBox } from '../common/secret-box';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { CAMNET_RUNTIME, CamnetRuntime } from '../common/runtime';
import { CameraStateService } from './camera-state.service';
import { StationWatch } from './station-watch.service';
import { MaintenanceService } from './maintenance.service';
import { CheckOutcome, CheckTarget, ProbeRunner } from './probe.runner';

/**
 * The loop's shortest sleep for a poll interval. Each round costs a lease statement and,
 * for the checks it starts, a batched write; a round per second instead of four cuts
 * both by three quarters when checks trickle in (Long An's 1,696 cameras at 60 s are 28
 * a second), at the price of a check starting up to a sixtieth of its interval late
 * (1 s at 60 s). Short intervals keep the 250 ms floor.
 */
export function defaultTickMs(pollIntervalS: number): number {
  return Math.min(1000, Math.max(250, Math.round((pollIntervalS * 1000) / 60)));
}

export interface SchedulerOptions {
  /**
   * The shortest sleep of the loop between rounds: checks falling due within it are
   * leased together. Default: a sixtieth of the poll interval, from 250 ms to 1 s
   * (see defaultTickMs). With nothing due the loop sleeps until the next check is, at
   * most sweepMs.
   */
  tickMs?: number;
  /** How long a lease holds. Default 4 × the probe timeout + 2 s (a check makes up to 3 requests, first contact more). */
  leaseMs?: number;
  /** How often maintenance windows are swept. Default 2 s. */
  sweepMs?: number;
  /** How often schedule rows are reconciled with the inventory. Default 60 s. */
  reconcileMs?: number;
  /** Most rows leased in one statement. Default 500. */
  maxBatch?: number;
  /**
   * How often probe_schedule and camera_state are vacuumed (and the database analysed
   * once at start); 0 turns it off. Default 5 min on the embedded database, which has
   * no autovacuum, and off on PostgreSQL, whose autovacuum does it.
   */
  vacuumMs?: number;
}
export const SCHEDULER_OPTIONS = Symbol('SCHEDULER_OPTIONS');

interface LeasedRow {
  camera_id: number;
  interval_s: number;
  failures: number;
  code: string;
  onvif_url: string;
  onvif_user: string | null;
  onvif_secret_enc: string | null;
  ptz: boolean;
  heading_deg: number;
  commune_code: string;
  commune_code_2025: string | null;
  station_code: string | null;
  status: CheckTarget['status'];
}

const TARGET_COLUMNS = `c.code, c.onvif_url, c.onvif_user, c.onvif_secret_enc, c.ptz, c.heading_deg, c.commune_code, c.commune_code_2025,
  st.code AS station_code, COALESCE(cs.status, 'unknown') AS status`;

@Injectable()
export class ProbeScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('scheduler');
  private readonly opts: Required<SchedulerOptions>;
  private readonly loop: LeasedLoop;
  private started = false;
  private stopping = false;
  private unsubscribe: Array<() => void> = [];
  private readonly checks = new Set<Promise<unknown>>();
  private lastSweep = 0;
  private lastReconcile = 0;
  private lastVacuum: number | null = null;
  /** ONVIF passwords, decrypted once per sealed value rather than at every check. */
  private readonly passwords: OpenedSecrets;
  /** Failed applications logged per distinct message, once a minute at most (a failed batch fails hundreds of checks). */
  private readonly applyErrors = new Map<string, { loggedAt: number; since: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ProbeRunner,
    private readonly state: CameraStateService,
    private readonly maintenance: MaintenanceService,
    private readonly stations: StationWatch,
    private readonly secrets: SecretBox,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
    @Inject(CAMNET_RUNTIME) private readonly runtime: CamnetRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly bus: EventBus,
    @Optional() @Inject(SCHEDULER_OPTIONS) options?: SchedulerOptions,
  ) {
    this.passwords = new OpenedSecrets(secrets);
    this.opts = {
      tickMs: options?.tickMs ?? defaultTickMs(config.pollIntervalS),
      leaseMs: options?.leaseMs ?? config.probeTimeoutMs * 4 + 2000,
      sweepMs: options?.sweepMs ?? 2000,
      reconcileMs: options?.reconcileMs ?? 60_000,
      maxBatch: options?.maxBatch ?? 500,
      vacuumMs: options?.vacuumMs ?? (config.databaseUrl === null ? 5 * 60_000 : 0),
    };
    this.loop = new LeasedLoop(
      this.logger,
      'poll loop',
      { round: (free) => this.tick(free), freeSlots: () => this.runner.freeSlots, nextDueAt: () => this.nextDueAt() },
      {
        tickMs: this.opts.tickMs,
        // The sweeps keep their pace however long nothing is due.
        maxSleepMs: Math.max(this.opts.tickMs, this.opts.sweepMs),
        maxBatch: this.opts.maxBatch,
        // Refilling a quarter of the slots (64 at most) at a time keeps lease statements few.
        refillAt: Math.max(1, Math.min(64, Math.floor(config.probeConcurrency / 4))),
        now: () => this.clock.now().getTime(),
      },
    );
  }

  get owner(): string {
    return this.runtime.instanceId;
  }

  onApplicationBootstrap(): void {
    if (this.config.monitoring) this.start();
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.logger.log(`polling as ${this.owner}: interval ${this.config.pollIntervalS} s, ${this.config.probeConcurrency} checks at most in flight`);
    this.unsubscribe = [
      // A station that comes back has its cameras' checks moved to now (CameraStateService.applyStation).
      this.bus.on('status.changed', (e) => {
        if (e.subject === 'station') this.loop.wake();
      }),
      // A camera added, changed or retired starts or stops being checked at the next round, not within a minute.
      this.bus.on('inventory.changed', (e) => {
        if (e.what !== 'camera') return;
        this.lastReconcile = -Infinity;
        this.loop.wake();
      }),
    ];
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.unsubscribe.forEach((off) => off());
    // Checks whose results are still retrying against a missing database must not hold the stop forever.
    this.state.beginShutdown();
    await this.loop.stop();
    await Promise.allSettled([...this.checks]);
    // Hand unfinished work over at once instead of letting the leases run out.
    await this.dataSource.query(`UPDATE probe_schedule SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [this.owner]).catch(() => undefined);
  }

  /**
   * One round: housekeeping when due, then lease up to `free` due cameras and start
   * their checks (not awaited). Answers how many were started.
   */
  async tick(free: number): Promise<number> {
    const nowMs = this.clock.now().getTime();
    if (nowMs - this.lastReconcile >= this.opts.reconcileMs) {
      this.lastReconcile = nowMs;
      await this.reconcile();
    }
    if (this.opts.vacuumMs > 0 && (this.lastVacuum === null || nowMs - this.lastVacuum >= this.opts.vacuumMs)) {
      const first = this.lastVacuum === null;
      this.lastVacuum = nowMs;
      await this.vacuum(first);
    }
    if (nowMs - this.lastSweep >= this.opts.sweepMs) {
      this.lastSweep = nowMs;
      await this.maintenance.sweep();
      await this.stations.sweep();
    }
    if (free <= 0 || this.stopping) return 0;
    const rows = await this.lease(free);
    for (const row of rows) this.track(this.runner.run(this.toTarget(row), { source: 'onvif', leaseOwner: this.owner }));
    return rows.length;
  }

  /**
   * Leases up to n due cameras for this replica. The picked ids reach the UPDATE as an
   * array (ANY(ARRAY(…))), so that it and the joins find their rows by primary key. Joined
   * to the picked rows instead, the UPDATE was planned for n rows (the free slots, while
   * most leases take a few dozen) and, at 3,000 cameras, hashed the whole probe_schedule,
   * camera and camera_state tables at every lease: 1.05–1.10 ms of PostgreSQL CPU per
   * lease of 32 rows, 0.88–0.93 ms this way (README, bench:poll).
   */
  async lease(n: number): Promise<LeasedRow[]> {
    const now = this.clock.now();
    return this.dataSource.query(
      `WITH leased AS (
         UPDATE probe_schedule ps SET lease_owner = $3, lease_until = $4
         WHERE ps.camera_id = ANY(ARRAY(
           SELECT p.camera_id FROM probe_schedule p
           WHERE p.next_at <= $1 AND (p.lease_until IS NULL OR p.lease_until < $1)
           ORDER BY p.next_at LIMIT $2 FOR UPDATE SKIP LOCKED))
         RETURNING ps.camera_id, ps.interval_s, ps.failures)
       SELECT l.camera_id, l.interval_s, l.failures, ${TARGET_COLUMNS}
       FROM leased l JOIN camera c ON c.id = l.camera_id
       LEFT JOIN station st ON st.id = c.station_id LEFT JOIN camera_state cs ON cs.camera_id = c.id`,
      [now, n, this.owner, new Date(now.getTime() + this.opts.leaseMs)],
    );
  }

  /**
   * When the next camera can be leased: its check is due and any lease on it (this
   * replica's checks in flight, another replica's, a dead one's) has run out.
   */
  async nextDueAt(): Promise<number | null> {
    const [{ due }] = await this.dataSource.query(`SELECT min(GREATEST(next_at, COALESCE(lease_until, next_at))) AS due FROM probe_schedule`);
    return due === null ? null : new Date(due).getTime();
  }

  /** Runs a check of one camera now (POST /api/cameras/{code}/check), outside the lease cycle. */
  async checkNow(code: string): Promise<CheckOutcome> {
    const [row]: LeasedRow[] = await this.dataSource.query(
      `SELECT c.id AS camera_id, COALESCE(ps.interval_s, $2) AS interval_s, COALESCE(ps.failures, 0) AS failures, ${TARGET_COLUMNS}
       FROM camera c LEFT JOIN probe_schedule ps ON ps.camera_id = c.id
       LEFT JOIN station st ON st.id = c.station_id LEFT JOIN camera_state cs ON cs.camera_id = c.id
       WHERE c.code = $1`,
      [code, this.config.pollIntervalS],
    );
    if (!row) throw new NotFoundException(`no camera with code ${code}`);
    if (!row.onvif_url) throw new NotFoundException(`camera ${code} has no ONVIF address (onvif_url): there is nothing to check`);
    await this.maintenance.refresh();
    return this.runner.run(this.toTarget(row), { source: 'manual', leaseOwner: null });
  }

  /**
   * Keeps probe_schedule in step with the inventory: every camera with an onvif_url
   * that is not retired is monitored, whatever its ownership; new ones start within
   * one interval (spread), removed ones stop.
   */
  async reconcile(): Promise<void> {
    const now = this.clock.now();
    await this.state.ensureStateRows();
    await this.dataSource.query(
      `INSERT INTO probe_schedule (camera_id, next_at, interval_s)
       SELECT c.id, $1::timestamptz + random() * $2::int * interval '1 second', $2::int
       FROM camera c WHERE c.onvif_url IS NOT NULL AND c.retired_on IS NULL
       ON CONFLICT (camera_id) DO NOTHING`,
      [now, this.config.pollIntervalS],
    );
    // CAMNET_POLL_INTERVAL_S is the one source of the interval: a changed setting applies to every camera.
    await this.dataSource.query(`UPDATE probe_schedule SET interval_s = $1 WHERE interval_s <> $1`, [this.config.pollIntervalS]);
    await this.dataSource.query(`DELETE FROM probe_schedule ps USING camera c WHERE c.id = ps.camera_id AND (c.onvif_url IS NULL OR c.retired_on IS NOT NULL)`);
  }

  /**
   * Housekeeping for a database without autovacuum (PGlite): every check rewrites a
   * camera_state and a probe_schedule row, so their dead versions pile up and the lease
   * query slows down. The first run analyses everything (the seed may just have loaded
   * the whole inventory, with no statistics yet). Each statement runs on its own:
   * VACUUM cannot run inside a transaction block.
   */
  async vacuum(first: boolean): Promise<void> {
    const started = performance.now();
    if (first) await this.dataSource.query(`ANALYZE`);
    else await this.dataSource.query(`VACUUM (ANALYZE) probe_schedule, camera_state`);
    this.logger.debug(`${first ? 'ANALYZE' : 'VACUUM (ANALYZE) probe_schedule, camera_state'} took ${Math.round(performance.now() - started)} ms`);
  }

  private toTarget(r: LeasedRow): CheckTarget {
    let password: string | null = null;
    if (r.onvif_secret_enc) {
      try {
        password = this.passwords.open(r.onvif_secret_enc);
      } catch {
        this.logger.warn(`camera ${r.code}: the stored ONVIF password cannot be decrypted with this key; checking without it`);
      }
    }
    return {
      cameraId: r.camera_id,
      code: r.code,
      url: r.onvif_url,
      user: r.onvif_user,
      password,
      ptz: r.ptz,
      registeredDeg: r.heading_deg,
      stationCode: r.station_code,
      communeCode: r.commune_code,
      communeCode2025: r.commune_code_2025,
      status: r.status,
      failures: r.failures,
      intervalS: r.interval_s,
    };
  }

  private track(p: Promise<unknown>): void {
    const tracked = p
      .catch((err) => this.logApplyError(String(err?.message ?? err)))
      .finally(() => {
        this.checks.delete(tracked);
        this.loop.slotFreed();
      });
    this.checks.add(tracked);
  }

  private logApplyError(message: string): void {
    const now = this.clock.now().getTime();
    const e = this.applyErrors.get(message);
    if (e !== undefined && now - e.loggedAt < 60_000) {
      e.since++;
      return;
    }
    const more = e !== undefined && e.since > 0 ? ` (and ${e.since} more in the last minute)` : '';
    this.logger.error(`check failed to apply: ${message}${more}`);
    if (this.applyErrors.size > 100) this.applyErrors.clear();
    this.applyErrors.set(message, { loggedAt: now, since: 0 });
  }
}
