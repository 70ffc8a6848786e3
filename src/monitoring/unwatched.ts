/**
 * When camnet was not watching, and what that does to the status history: pure,
 * no Nest, no database, times in epoch milliseconds.
 *
 * camnet watches while at least one replica runs with monitoring on; each such
 * run is a monitor_session (started, last alive, ended). The watched time is the
 * union of the sessions; everything else after the first session is a gap, in
 * which no camera's status is known — not the status it had when camnet
 * stopped. Before the first session ever recorded (history from before camnet
 * kept sessions) the history is read as it always was: watched.
 *
 * Inside a gap [from, to):
 *   - the status in force is `unknown`, reason `camnet_not_watching`, for every camera;
 *   - a change of a camera's status list opens the gap (unknown, source `system`)
 *     and another closes it with the status camnet then carried on with (the
 *     last one recorded at or before the gap's end), so uptime counts the gap as
 *     unknown time and the camera history shows it;
 *   - a transition recorded inside the gap (an instance with monitoring off ran a
 *     manual check) is not shown, but counts for the status after the gap.
 */
import type { Status } from '../domain/status';

/** The reason of the unknown status in force while camnet was not watching. */
export const NOT_WATCHING = 'camnet_not_watching';

/** One session's watched time: [from, to), `to` null while it runs. */
export interface WatchSpan {
  from: number;
  to: number | null;
}

/** A time camnet was not watching: [from, to), `to` null when no session has started since. */
export interface UnwatchedGap {
  from: number;
  to: number | null;
}

/** A status and its reason, as the history gives them. */
export interface StatusWithReason {
  status: Status;
  reason: string | null;
}

/** One status change, as the history lists them. */
export interface Change extends StatusWithReason {
  at: Date;
  source: 'onvif' | 'mqtt' | 'manual' | 'system';
}

export const UNWATCHED_STATUS: StatusWithReason = Object.freeze({ status: 'unknown', reason: NOT_WATCHING });

/**
 * The gaps between the watched spans that overlap [from, to] (never clipped to it,
 * so an answer can say when a gap began and ended). `spans` must hold every
 * session overlapping the window, the last one ending before it and the first
 * one starting after it, and the first session ever: the gaps between them are
 * exact. No sessions at all: no gaps (camnet before sessions were recorded).
 */
export function unwatchedGaps(spans: readonly WatchSpan[], from: number, to: number): UnwatchedGap[] {
  if (spans.length === 0) return [];
  const first = Math.min(...spans.map((s) => s.from));
  const sorted = [{ from: -Infinity, to: first }, ...spans].sort((a, b) => a.from - b.from);
  const gaps: UnwatchedGap[] = [];
  let end: number = -Infinity; // the end of the union so far
  for (const s of sorted) {
    if (s.from > end) gaps.push({ from: end, to: s.from });
    end = s.to === null ? Infinity : Math.max(end, s.to);
    if (end === Infinity) break;
  }
  if (end !== Infinity) gaps.push({ from: end, to: null });
  return gaps.filter((g) => g.from !== -Infinity && g.from <= to && (g.to === null || g.to > from));
}

const ends = (g: UnwatchedGap) => (g.to === null ? Infinity : g.to);

/** The gap holding time `t` (camnet not watching at t), or null. */
export function gapAt(gaps: readonly UnwatchedGap[], t: number): UnwatchedGap | null {
  return gaps.find((g) => g.from <= t && t < ends(g)) ?? null;
}

/** The gap holding the time just before `t` (what a status "strictly before t" reads), or null. */
export function gapJustBefore(gaps: readonly UnwatchedGap[], t: number): UnwatchedGap | null {
  return gaps.find((g) => g.from < t && t <= ends(g)) ?? null;
}

/**
 * A camera's status over a window with the gaps applied (see the module comment):
 * `initial` is the status in force just before `from` as recorded (null: none),
 * `changes` the recorded changes in the window, in order.
 */
export function maskUnwatched(
  initial: StatusWithReason | null,
  changes: readonly Change[],
  gaps: readonly UnwatchedGap[],
  w: { from: number; to: number; through?: boolean },
): { initial: StatusWithReason | null; changes: Change[] } {
  const inWindow = (t: number) => t >= w.from && (w.through ? t <= w.to : t < w.to);
  const starts = new Set(gaps.map((g) => g.from).filter(inWindow));
  const stops = new Set(gaps.flatMap((g) => (g.to === null ? [] : [g.to])).filter(inWindow));
  const times = [...new Set([...changes.map((c) => c.at.getTime()), ...starts, ...stops])].sort((a, b) => a - b);

  let recorded = initial;
  let next = 0;
  const out: Change[] = [];
  for (const t of times) {
    const here: Change[] = [];
    while (next < changes.length && changes[next].at.getTime() === t) here.push(changes[next++]);
    if (here.length > 0) recorded = here[here.length - 1];
    if (gapAt(gaps, t)) {
      if (starts.has(t)) out.push({ at: new Date(t), ...UNWATCHED_STATUS, source: 'system' });
    } else if (here.length > 0) {
      out.push(...here);
    } else if (stops.has(t)) {
      // Watching again: camnet carries on with the last status it recorded until its checks say otherwise.
      out.push({ at: new Date(t), status: recorded?.status ?? 'unknown', reason: recorded?.reason ?? null, source: 'system' });
    }
  }
  return { initial: gapJustBefore(gaps, w.from) ? UNWATCHED_STATUS : initial, changes: out };
}
