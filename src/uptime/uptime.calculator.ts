/**
 * Availability arithmetic: how long one camera or station spent in each status over
 * a window, from its status transitions. Pure: no Nest, no database, time is passed in.
 *
 * The window [from, to) is cut at every transition and every maintenance boundary;
 * each piece is charged, whole, to one bucket:
 *   - maintenance: inside a maintenance window (whatever the status), or status 'maintenance';
 *   - unknown:     status 'unknown' (never checked, or no transition before the piece);
 *   - online, offline, degraded: the status in force.
 * The buckets partition the window, and
 *   known       = window − unknown = online + offline + degraded + maintenance
 *   uptime_pct  = 100 × online / (known − maintenance)
 *               = 100 × online / (online + offline + degraded)
 * so unknown and maintenance time count neither for nor against a camera, while
 * degraded time (answers, but something is wrong) is known time that is not online.
 * uptime_pct is null when there is no known time outside maintenance.
 *
 * Arithmetic is in integer milliseconds, so sums over days or cameras stay exact;
 * seconds are derived at the end.
 */
import type { Status } from '../domain/status';

export interface Transition {
  /** Epoch milliseconds. */
  at: number;
  status: Status;
}

export interface Interval {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
}

export interface UptimeInput {
  /** The subject's transitions, sorted by time; those outside [from, to) are allowed and handled. */
  transitions: Transition[];
  /** The status in force at `from` (the last transition before it), or 'unknown'. */
  initial: Status;
  /** Maintenance windows that apply to the subject; may overlap each other and the window edges. */
  maintenance: Interval[];
  from: number;
  to: number;
}

/** Milliseconds per bucket. */
export interface UptimeMs {
  online: number;
  offline: number;
  degraded: number;
  maintenance: number;
  unknown: number;
}

export interface UptimeSeconds {
  online_s: number;
  offline_s: number;
  degraded_s: number;
  maintenance_s: number;
  unknown_s: number;
  known_s: number;
  uptime_pct: number | null;
}

export function emptyTally(): UptimeMs {
  return { online: 0, offline: 0, degraded: 0, maintenance: 0, unknown: 0 };
}

export function addTally(into: UptimeMs, add: UptimeMs): UptimeMs {
  into.online += add.online;
  into.offline += add.offline;
  into.degraded += add.degraded;
  into.maintenance += add.maintenance;
  into.unknown += add.unknown;
  return into;
}

/** Milliseconds per bucket over [from, to) (see the module comment). */
export function tallyUptime(input: UptimeInput): UptimeMs {
  const { from, to } = input;
  const tally = emptyTally();
  if (!(to > from)) return tally;

  let status: Status = input.initial;
  const inWindow: Transition[] = [];
  for (const t of input.transitions) {
    if (t.at <= from)
      status = t.status; // a transition at `from` is in force for the whole first piece
    else if (t.at < to) inWindow.push(t);
  }

  const maintenance = mergeIntervals(input.maintenance, from, to);
  // Cut points: every transition and maintenance edge inside the window.
  const cuts = new Set<number>([from, to]);
  for (const t of inWindow) cuts.add(t.at);
  for (const m of maintenance) {
    cuts.add(m.from);
    cuts.add(m.to);
  }
  const points = [...cuts].sort((a, b) => a - b);

  let ti = 0;
  let mi = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    while (ti < inWindow.length && inWindow[ti].at <= a) status = inWindow[ti++].status;
    while (mi < maintenance.length && maintenance[mi].to <= a) mi++;
    const inMaintenance = mi < maintenance.length && maintenance[mi].from <= a;
    const bucket: keyof UptimeMs = inMaintenance || status === 'maintenance' ? 'maintenance' : status;
    tally[bucket] += b - a;
  }
  return tally;
}

/** Seconds per bucket, known seconds and the uptime percentage of a tally. */
export function toSeconds(t: UptimeMs): UptimeSeconds {
  const known = t.online + t.offline + t.degraded + t.maintenance;
  return {
    online_s: t.online / 1000,
    offline_s: t.offline / 1000,
    degraded_s: t.degraded / 1000,
    maintenance_s: t.maintenance / 1000,
    unknown_s: t.unknown / 1000,
    known_s: known / 1000,
    uptime_pct: uptimePct(t),
  };
}

/** 100 × online / (known − maintenance), or null when that is zero. */
export function uptimePct(t: UptimeMs): number | null {
  const denominator = t.online + t.offline + t.degraded;
  return denominator > 0 ? (100 * t.online) / denominator : null;
}

/** Seconds per bucket for one subject over [from, to). */
export function computeUptime(input: UptimeInput): UptimeSeconds {
  return toSeconds(tallyUptime(input));
}

/** Clips intervals to [from, to) and merges overlapping or touching ones, sorted. */
export function mergeIntervals(intervals: Interval[], from: number, to: number): Interval[] {
  const clipped = intervals
    .map((m) => ({ from: Math.max(m.from, from), to: Math.min(m.to, to) }))
    .filter((m) => m.to > m.from)
    .sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const m of clipped) {
    const last = merged[merged.length - 1];
    if (last && m.from <= last.to) last.to = Math.max(last.to, m.to);
    else merged.push({ ...m });
  }
  return merged;
}
