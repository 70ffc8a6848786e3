/**
 * Daily uptime rollups: once a UTC day has ended, each camera's seconds online,
 * offline, degraded, in maintenance and known for that day go into uptime_daily, so
 * month- and year-long reports read one row per camera-day instead of replaying events.
 * A camera with no row for a rolled-up day was unknown the whole day.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval, Timeout } from '@nestjs/schedule';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { StatusChange, StatusHistory, StatusHistoryRepository } from '../monitoring/status-history.repository';
import { CRASHED_AFTER_MS } from '../monitoring/watched-time';
import { addTally, emptyTally, tallyUptime, Transition, UptimeMs } from './uptime.calculator';
import { MaintenanceIndex, RollupRow, ScopedCamera, UptimeRepository, UptimeStore } from './uptime.repository';

export const DAY_MS = 86_400_000;

/** Start (epoch ms) of the UTC day holding `ms`. */
export function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** A status change as the uptime arithmetic reads it. */
const transition = (c: StatusChange): Transition => ({ at: c.at.getTime(), status: c.status });

/** Each camera's tally over [from, to) from raw events: two queries for the whole set. */
export async function tallyCameras(
  history: StatusHistory,
  cameras: ScopedCamera[],
  maintenance: MaintenanceIndex,
  from: number,
  to: number,
): Promise<Map<number, UptimeMs>> {
  const out = new Map<number, UptimeMs>();
  if (cameras.length === 0 || to <= from) return out;
  const ids = cameras.map((c) => c.id);
  const over = await history.statusOver(ids, { from: new Date(from), to: new Date(to) });
  for (const c of cameras) {
    const h = over.get(c.id)!;
    out.set(c.id, tallyUptime({ transitions: h.changes.map(transition), initial: h.initial, maintenance: maintenance.forCamera(c), from, to }));
  }
  return out;
}

export function sumTallies(tallies: Iterable<UptimeMs>): UptimeMs {
  const total = emptyTally();
  for (const t of tallies) addTally(total, t);
  return total;
}

/** How often the job looks for ended days; it only does work just after midnight UTC or after an invalidation. */
const ROLLUP_EVERY_MS = 3_600_000;
/** Days computed per run, so a first run over a long history does not hold the database for long. */
const MAX_DAYS_PER_RUN = 31;

@Injectable()
export class UptimeRollup {
  private readonly logger = new Logger('uptime');
  private running: Promise<string[]> | null = null;

  private readonly unsubscribe: () => void;

  constructor(
    @Inject(UptimeRepository) private readonly repo: UptimeStore,
    @Inject(StatusHistoryRepository) private readonly history: StatusHistory,
    events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    // A window reaching into rolled-up days changes their maintenance seconds: roll them again.
    this.unsubscribe = events.on('maintenance.created', (w) => {
      this.invalidateFrom(w.startsAt).catch((err) => this.logger.warn(`could not invalidate rollups: ${err.message}`));
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Soon after start, so a replica that was down catches up without waiting an hour. */
  @Timeout(30_000)
  async afterStart(): Promise<void> {
    await this.scheduled();
  }

  @Interval(ROLLUP_EVERY_MS)
  async scheduled(): Promise<void> {
    try {
      const days = await this.rollUp();
      if (days.length > 0) this.logger.log(`uptime rolled up for ${days[0]}…${days[days.length - 1]}`);
    } catch (err) {
      this.logger.error(`uptime rollup failed: ${(err as Error).message}`);
    }
  }

  /**
   * Rolls up the ended days not yet rolled up (at most `maxDays`), oldest first,
   * and answers them. Safe to run twice or on several replicas at once: rows are upserted.
   */
  rollUp(maxDays = MAX_DAYS_PER_RUN): Promise<string[]> {
    // One run at a time in this process; a second caller shares the running one.
    this.running ??= this.run(maxDays).finally(() => (this.running = null));
    return this.running;
  }

  /**
   * Marks the days from `from` on as needing a new rollup, e.g. after a maintenance
   * window was recorded for the past. The next run recomputes them.
   */
  async invalidateFrom(from: Date): Promise<void> {
    const through = await this.repo.rolledThrough();
    const day = dayStart(from.getTime());
    if (through === null || parseDay(through) < day) return;
    const first = await this.repo.firstActivityDay();
    await this.repo.setRolledThrough(first !== null && parseDay(first) < day ? dayString(day - DAY_MS) : null);
  }

  private async run(maxDays: number): Promise<string[]> {
    // A day is rolled up once a replica that crashed before its end is seen as crashed, so the gap it left is in the rollup.
    const lastEnded = dayStart(this.clock.now().getTime() - CRASHED_AFTER_MS) - DAY_MS;
    const through = await this.repo.rolledThrough();
    let start: number;
    if (through !== null) start = parseDay(through) + DAY_MS;
    else {
      const first = await this.repo.firstActivityDay();
      if (first === null) return [];
      start = parseDay(first);
    }
    if (start > lastEnded) return [];

    const cameras = await this.repo.cameras({ by: 'all' });
    const ids = cameras.map((c) => c.id);
    // The status at each day's start is carried over from the previous day's events.
    const before = await this.history.statusBefore(ids, new Date(start));
    const status = new Map([...before].map(([id, s]) => [id, s.status]));
    const done: string[] = [];
    for (let day = start; day <= lastEnded && done.length < maxDays; day += DAY_MS) {
      const from = day;
      const to = day + DAY_MS;
      const [events, windows] = await Promise.all([
        this.history.statusChanges(ids, { from: new Date(from), to: new Date(to) }),
        this.repo.maintenance(new Date(from), new Date(to)),
      ]);
      const maintenance = new MaintenanceIndex(windows);
      const rows: RollupRow[] = [];
      for (const c of cameras) {
        const transitions = (events.get(c.id) ?? []).map(transition);
        const t = tallyUptime({ transitions, initial: status.get(c.id) ?? 'unknown', maintenance: maintenance.forCamera(c), from, to });
        const known = t.online + t.offline + t.degraded + t.maintenance;
        if (known > 0) {
          rows.push({
            subjectId: c.id,
            day: dayString(day),
            onlineS: t.online / 1000,
            offlineS: t.offline / 1000,
            degradedS: t.degraded / 1000,
            maintenanceS: t.maintenance / 1000,
            knownS: known / 1000,
          });
        }
        if (transitions.length > 0) status.set(c.id, transitions[transitions.length - 1].status);
      }
      await this.repo.upsertRollups(rows);
      await this.repo.setRolledThrough(dayString(day));
      done.push(dayString(day));
    }
    return done;
  }
}
