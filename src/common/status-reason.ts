/**
 * Why a camera or station is not online, as one stable code and a sentence: the
 * words a technician reads in the camera list, /status, the incidents list and the
 * map (which translates the code). Pure: derived where state is read, from what the
 * status machine stored (status and cause), the last check's error and findings,
 * and the station's state — so the write path needs no new column.
 */

export const REASON_CODES = [
  'offline_timeout',
  'offline_refused',
  'offline_unreachable',
  'station_down',
  'station_silent',
  'auth_failed',
  'clock_drift',
  'turned',
  'view_dark',
  'view_blocked',
  'view_blurred',
  'view_frozen',
  'view_moved',
  'bad_reply',
  'maintenance',
  'never_checked',
  'not_monitored',
  'pending',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface StatusReason {
  code: ReasonCode;
  /** Every code that applies, the main one first (a degraded camera can be turned and clock-skewed at once). */
  codes: ReasonCode[];
  text: string;
  /** The station the camera's fault is attributed to (station_down). */
  station_code: string | null;
}

/** What a camera's reason is derived from: its state row, joined with its inventory and station. */
export interface CameraReasonInput {
  status: string;
  /** camera_state.reason: the status machine's cause (unreachable, station_down, "auth_failed,turned", window). */
  cause: string | null;
  lastError: { kind: string; message: string } | null;
  clockOffsetS: number | null;
  /** Heading measured last, and the heading in the inventory. */
  headingDeg: number | null;
  registeredDeg: number | null;
  stationCode: string | null;
  /** False for a camera camnet does not check (no ONVIF address): unknown for good. Default true. */
  monitored?: boolean;
}

// Picture faults (the view module's view_* issues) after what the device answered: a
// camera that refuses camnet's password cannot have its picture judged afresh.
const DEGRADED_ORDER: readonly ReasonCode[] = [
  'auth_failed',
  'bad_reply',
  'clock_drift',
  'turned',
  'view_dark',
  'view_blocked',
  'view_blurred',
  'view_frozen',
  'view_moved',
];

/** The reason of a camera that is not online; null for an online camera. */
export function cameraReason(c: CameraReasonInput): StatusReason | null {
  const one = (code: ReasonCode, text: string, station: string | null = null): StatusReason => ({ code, codes: [code], text, station_code: station });
  switch (c.status) {
    case 'online':
      return null;
    case 'maintenance':
      return one('maintenance', 'inside a maintenance window');
    case 'unknown':
      if (c.monitored === false) return one('not_monitored', 'not monitored: no ONVIF address in the inventory');
      return c.lastError === null ? one('never_checked', 'not checked yet') : one('pending', `waiting for a second check: ${errorText(c.lastError)}`);
    case 'offline': {
      if (c.cause === 'station_down') return one('station_down', `station ${c.stationCode ?? '?'} down`, c.stationCode);
      const kind = c.lastError?.kind;
      if (kind === 'timeout') return one('offline_timeout', `no answer: ${errorText(c.lastError)}`);
      if (kind === 'refused') return one('offline_refused', `connection refused: ${errorText(c.lastError)}`);
      return one('offline_unreachable', c.lastError ? `unreachable: ${errorText(c.lastError)}` : 'unreachable');
    }
    case 'degraded': {
      const listed = (c.cause ?? '').split(',').filter((k): k is ReasonCode => (DEGRADED_ORDER as readonly string[]).includes(k));
      const codes = DEGRADED_ORDER.filter((k) => listed.includes(k));
      if (codes.length === 0) codes.push('bad_reply');
      return { code: codes[0], codes, text: codes.map((k) => degradedText(k, c)).join('; '), station_code: null };
    }
    default:
      return one('offline_unreachable', `status ${c.status}`);
  }
}

function degradedText(code: ReasonCode, c: CameraReasonInput): string {
  switch (code) {
    case 'auth_failed':
      return 'the camera refuses camnet’s credentials';
    case 'clock_drift':
      return c.clockOffsetS === null ? 'camera clock off' : `camera clock off by ${Math.round(c.clockOffsetS)} s`;
    case 'turned':
      return c.headingDeg === null || c.registeredDeg === null
        ? 'turned away from its registered heading'
        : `heading ${round1(c.headingDeg)}° instead of the registered ${round1(c.registeredDeg)}°`;
    case 'view_dark':
      return 'picture dark (failed infrared or a capped lens)';
    case 'view_blocked':
      return 'picture blocked (lens covered, sprayed or behind a branch)';
    case 'view_blurred':
      return 'picture blurred (out of focus or a smeared lens)';
    case 'view_frozen':
      return 'picture frozen (the same image snapshot after snapshot)';
    case 'view_moved':
      return 'picture moved (the camera no longer shows its reference view)';
    default:
      return c.lastError ? `unusable reply: ${errorText(c.lastError)}` : 'unusable reply';
  }
}

/**
 * The last_error /status shows: the check's own error, or, for a camera that answers
 * but is degraded by what it answered (turned, clock skew), that finding — so
 * last_error is never null for a degraded camera.
 */
export function effectiveLastError(c: CameraReasonInput): { kind: string; message: string } | null {
  if (c.lastError !== null) return c.lastError;
  if (c.status !== 'degraded') return null;
  const r = cameraReason(c);
  return r === null ? null : { kind: r.code, message: r.text };
}

/** What a station's reason is derived from. */
export interface StationReasonInput {
  status: string;
  /** The reason of the station's last status_event (e.g. "station silent: no heartbeat for 90 s"). */
  lastEventReason: string | null;
}

export function stationReason(s: StationReasonInput): StatusReason | null {
  const one = (code: ReasonCode, text: string): StatusReason => ({ code, codes: [code], text, station_code: null });
  switch (s.status) {
    case 'online':
      return null;
    case 'maintenance':
      return one('maintenance', 'inside a maintenance window');
    case 'unknown':
      return one('never_checked', 'not heard yet');
    default:
      if (s.lastEventReason?.startsWith('station silent') || s.lastEventReason?.endsWith('station silent')) {
        return one('station_silent', 'no heartbeat from the station agent');
      }
      return one('station_down', 'the station agent disconnected (MQTT Will) or reported offline');
  }
}

function errorText(e: { kind: string; message: string } | null): string {
  return e === null ? '' : `${e.kind}: ${e.message}`.slice(0, 300);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
