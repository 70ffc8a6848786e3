/**
 * Whether a camera likely recorded an incident's place at its time: pure, from
 * what the history says of the camera then. The geometry (`sees_point`, with the
 * heading in force at the time) is decided elsewhere; this adds whether the
 * camera was working:
 *
 * | sees the point | status at the time                                  | recorded |
 * |----------------|-----------------------------------------------------|----------|
 * | no             | any                                                 | false    |
 * | yes            | online                                              | true     |
 * | yes            | degraded, only for issues that leave video intact   | true     |
 * |                | (clock_drift; turned — the heading in force already |          |
 * |                | says whether it still covers the point)             |          |
 * | yes            | degraded for a picture fault that leaves no useful  | false    |
 * |                | picture (view_dark, blocked, frozen, moved: the     |          |
 * |                | view module's NOT_RECORDING_VIEW_REASONS)           |          |
 * | yes            | degraded for anything else (auth_failed, bad_reply, | null     |
 * |                | view_blurred: the camera answered, its video        |          |
 * |                | unknown)                                            |          |
 * | yes            | offline                                             | false    |
 * | yes            | maintenance, or unknown (never monitored, no        | null     |
 * |                | history at that time)                               |          |
 * | either         | camnet itself was not watching at the time (reason  | null     |
 * |                | camnet_not_watching: the camera may have turned too) |          |
 */
import type { Status } from '../domain/status';
import { NOT_WATCHING } from '../monitoring/unwatched';
import { NOT_RECORDING_VIEW_REASONS } from '../view/view.reasons';

export type Recorded = boolean | null;

/** Why `recorded` is null: camnet itself was not watching then, the camera had no history then, it was in maintenance, or it answered with its video state unknown. */
export const UNKNOWN_REASONS = ['camnet_not_watching', 'no_history', 'maintenance', 'video_unknown'] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

/** Degraded causes that leave the recording intact. */
const KEEPS_VIDEO: ReadonlySet<string> = new Set(['clock_drift', 'turned']);
/** Degraded causes that mean no useful picture was recorded: the view module's list (src/view/view.reasons). */
const STOPS_VIDEO: ReadonlySet<string> = new Set(NOT_RECORDING_VIEW_REASONS);

/**
 * The causes of a status event's reason: the machine writes a degraded camera's
 * reason as its sorted cause list, then optionally ": <error kind>: <message>"
 * ("turned", "auth_failed,clock_drift: auth: 401 …").
 */
export function reasonCauses(reason: string | null): string[] {
  if (!reason) return [];
  const head = reason.split(':', 1)[0].trim();
  return head
    ? head
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)
    : [];
}

export function recordedAt(seesPoint: boolean, status: Status, reason: string | null): Recorded {
  if (reason === NOT_WATCHING) return null;
  if (!seesPoint) return false;
  switch (status) {
    case 'online':
      return true;
    case 'offline':
      return false;
    case 'degraded': {
      const causes = reasonCauses(reason);
      if (causes.some((c) => STOPS_VIDEO.has(c))) return false;
      return causes.length > 0 && causes.every((c) => KEEPS_VIDEO.has(c)) ? true : null;
    }
    default:
      return null;
  }
}

/** Why a camera that saw the point has `recorded: null` (null when recorded is true or false). */
export function unknownReason(recorded: Recorded, status: Status, reason: string | null): UnknownReason | null {
  if (recorded !== null) return null;
  if (reason === NOT_WATCHING) return 'camnet_not_watching';
  if (status === 'maintenance') return 'maintenance';
  return status === 'unknown' ? 'no_history' : 'video_unknown';
}

/** Search order: likely recorded first, then unknown, then not recording; nearest first within each. */
export function recordedRank(r: Recorded): number {
  return r === true ? 0 : r === null ? 1 : 2;
}
