/**
 * The status state machine of cameras and stations (DESIGN.md "Status"): pure, no
 * Nest, no database, no clock. Services feed it observations and carry out what it
 * answers (write the transition, emit the alert actions).
 *
 * A camera's state is (status, cause, pending status, pending count). The cause
 * says why: `unreachable` or `station_down` for offline, the sorted issue list for
 * degraded (`auth_failed`, `clock_drift`, `turned`, `bad_reply`), `window` for
 * maintenance. A check is classified into a target (status, cause):
 *
 *   unreachable, station up            → offline  / unreachable
 *   unreachable, station down          → offline  / station_down
 *   answers, auth refused              → degraded / auth_failed
 *   answers, |clock offset| > 300 s    → degraded / clock_drift
 *   answers, heading > 20° off         → degraded / turned
 *   answers, unusable reply            → degraded / bad_reply   (malformed, too large, fault; no alert kind)
 *   answers, picture fault confirmed   → degraded / view_dark, view_blocked, view_blurred, view_frozen or view_moved
 *                                        (the view module's last confirmed fault, kept in camera_state.view_issue)
 *   answers, nothing wrong             → online
 *   (several issues at once: degraded with all of them)
 *
 * Camera transitions (C = CONFIRMATIONS = 2):
 *
 * | state                    | observation                         | new state                  | alert actions                          |
 * |--------------------------|-------------------------------------|----------------------------|----------------------------------------|
 * | any but maintenance      | check, inside a maintenance window  | maintenance (at once)      | none (open alerts stay; alerts module silences) |
 * | maintenance              | check, inside a maintenance window  | maintenance                | none                                   |
 * | any                      | check whose target = (status,cause) | unchanged, pending cleared | none                                   |
 * | any                      | check, target T ≠ current, the C-th consecutive one aiming at T's status | T | open A(T) − A(old), resolve A(old) − A(T) |
 * | any                      | check, target T ≠ current, fewer    | unchanged, pending T.status, count+1 (reset to 1 when it aims elsewhere) | none |
 * | online, degraded, unknown| station down (MQTT Will, at once)   | offline / station_down     | resolve A(old); no per-camera alert    |
 * | offline (either cause)   | station down                        | unchanged                  | none (an own offline alert stays)      |
 * | maintenance              | station down                        | unchanged                  | none                                   |
 * | offline / station_down   | station online                      | unchanged, pending cleared, re-check now | none (its checks decide) |
 * | any other                | station online                      | unchanged                  | none                                   |
 * | any but maintenance      | maintenance window starts           | maintenance (at once)      | none                                   |
 * | online, degraded         | view fault confirmed / cleared      | its view_* issue replaced, at once (the view module already required two agreeing snapshots) | open / resolve that view_* alert |
 * | offline, maintenance, unknown | view fault confirmed / cleared | unchanged (the next check that answers carries it) | none                          |
 *
 * A(s) is the set of alerts a state stands for: online, unknown → {}; offline /
 * unreachable → {offline}; offline / station_down → {} (the station holds the one
 * station_down alert); degraded → its issues that are alert kinds; maintenance →
 * "not known", so leaving it opens A(T) and resolves every other camera kind
 * (alerts opened before the window may still be open; opening an open alert or
 * resolving a resolved one is a no-op for the alerts module).
 *
 * Station transitions (MQTT reports are explicit, so they act at once):
 *
 * | state            | observation                          | new state    | alert actions           | cameras            |
 * |------------------|--------------------------------------|--------------|-------------------------|--------------------|
 * | unknown, online  | Will / status {"online":false}       | offline      | open station_down       | station down       |
 * | online           | silent (no message for 90 s)         | offline      | open station_down       | station down       |
 * | offline          | Will                                 | offline      | none                    | -                  |
 * | unknown          | status online / heartbeat            | online       | none                    | -                  |
 * | offline          | status online / heartbeat            | online       | resolve station_down    | station online     |
 * | online           | status online / heartbeat            | online       | none                    | -                  |
 * | maintenance      | Will / status online / heartbeat     | maintenance  | none                    | -                  |
 * | not maintenance  | maintenance window starts            | maintenance  | none                    | -                  |
 * | maintenance      | window ends, seen recently           | online       | resolve station_down    | -                  |
 * | maintenance      | window ends, not seen recently       | offline      | open station_down       | station down       |
 */
import { absAngleDiffDeg } from '../geo/geo.math';
import {
  CAMERA_ALERT_KINDS,
  CAMERA_ISSUES,
  VIEW_ISSUES,
  type AlertActionKind,
  type AlertKind,
  type CameraAlertKind,
  type CameraIssue,
  type ViewIssue,
} from '../domain/alert';
import type { Status } from '../domain/status';

export const CONFIRMATIONS = 2;
export const CLOCK_DRIFT_LIMIT_S = 300;
export const TURN_LIMIT_DEG = 20;
/** Heading changes at or below this are noise: no orientation_event. */
export const HEADING_NOISE_DEG = 2;

// The alert vocabulary lives in src/domain; re-exported for the machine's callers.
export type { AlertKind, CameraAlertKind, CameraIssue, ViewIssue } from '../domain/alert';

/** The order in which a degraded camera's issues are listed in its reason. */
const ISSUE_ORDER: readonly CameraIssue[] = CAMERA_ISSUES;

export interface AlertStep {
  action: AlertActionKind;
  kind: AlertKind;
}

export interface CameraMachineState {
  status: Status;
  /** See the doc comment: unreachable, station_down, the degraded issues (comma-separated), window; null otherwise. */
  cause: string | null;
  pendingStatus: Status | null;
  pendingCount: number;
}

/** One check's outcome, already reduced to what the machine needs. */
export interface CheckObservation {
  type: 'check';
  reachable: boolean;
  issues: readonly CameraIssue[];
  /** The camera's station is offline right now (its Will fired). */
  stationDown: boolean;
  inMaintenance: boolean;
}

/** The view module confirmed a picture fault (or its end): null when the picture is fine again. */
export interface ViewObservation {
  type: 'view';
  issue: ViewIssue | null;
}

export type CameraObservation = CheckObservation | ViewObservation | { type: 'station_down' } | { type: 'station_online' } | { type: 'maintenance_start' };

export interface CameraStep {
  next: CameraMachineState;
  /** The status changed (write a status_event). */
  transition: boolean;
  alerts: AlertStep[];
  /** Check this camera again soon (its station just came back). */
  recheck: boolean;
}

export type StationObservation =
  | { type: 'will' }
  /** No heartbeat nor status for STATION_SILENT_AFTER_MS, although no Will came (the broker may have lost it). */
  | { type: 'silent' }
  | { type: 'online' }
  | { type: 'heartbeat' }
  | { type: 'maintenance_start' }
  | { type: 'maintenance_end'; recentlySeen: boolean };

export interface StationStep {
  next: Status;
  transition: boolean;
  alerts: AlertStep[];
  /** What the station's cameras must be told. */
  cameras: 'station_down' | 'station_online' | null;
}

/** Smallest angle between two headings, in [0, 180]. */
export function headingDelta(a: number, b: number): number {
  return absAngleDiffDeg(a, b);
}

/** Whether a camera is turned away from its registered heading beyond the tolerance. */
export function isTurned(headingDeg: number | null, registeredDeg: number): boolean {
  return headingDeg !== null && headingDelta(headingDeg, registeredDeg) > TURN_LIMIT_DEG;
}

export function hasClockDrift(offsetS: number | null): boolean {
  return offsetS !== null && Math.abs(offsetS) > CLOCK_DRIFT_LIMIT_S;
}

export function sortIssues(issues: Iterable<CameraIssue>): CameraIssue[] {
  const set = new Set(issues);
  return ISSUE_ORDER.filter((i) => set.has(i));
}

/** The (status, cause) a check points at. */
export function checkTarget(o: CheckObservation): { status: Status; cause: string | null } {
  if (!o.reachable) return { status: 'offline', cause: o.stationDown ? 'station_down' : 'unreachable' };
  const issues = sortIssues(o.issues);
  if (issues.length > 0) return { status: 'degraded', cause: issues.join(',') };
  return { status: 'online', cause: null };
}

/** The alerts a state stands for; null for maintenance ("not known"). */
function alertsOf(status: Status, cause: string | null): Set<AlertKind> | null {
  switch (status) {
    case 'maintenance':
      return null;
    case 'offline':
      return new Set(cause === 'unreachable' ? ['offline'] : []);
    case 'degraded':
      return new Set((cause ?? '').split(',').filter((k): k is CameraAlertKind => (CAMERA_ALERT_KINDS as readonly string[]).includes(k)));
    default:
      return new Set();
  }
}

function alertDiff(before: Set<AlertKind> | null, after: Set<AlertKind> | null, all: readonly AlertKind[]): AlertStep[] {
  if (after === null) return [];
  const steps: AlertStep[] = [];
  for (const kind of all) {
    const was = before === null ? null : before.has(kind);
    const is = after.has(kind);
    if (is && was !== true) steps.push({ action: 'open', kind });
    else if (!is && (was === true || was === null)) steps.push({ action: 'resolve', kind });
  }
  return steps;
}

function keep(s: CameraMachineState, clearPending: boolean, recheck = false): CameraStep {
  const next = clearPending ? { ...s, pendingStatus: null, pendingCount: 0 } : s;
  return { next, transition: false, alerts: [], recheck };
}

function move(s: CameraMachineState, status: Status, cause: string | null): CameraStep {
  const next: CameraMachineState = { status, cause, pendingStatus: null, pendingCount: 0 };
  return {
    next,
    transition: status !== s.status,
    alerts: alertDiff(alertsOf(s.status, s.cause), alertsOf(status, cause), CAMERA_ALERT_KINDS),
    recheck: false,
  };
}

/** Applies one observation to a camera (the table in this file's doc comment). */
export function stepCamera(s: CameraMachineState, o: CameraObservation): CameraStep {
  switch (o.type) {
    case 'maintenance_start':
      return s.status === 'maintenance' ? keep(s, true) : move(s, 'maintenance', 'window');
    case 'station_down':
      if (s.status === 'maintenance' || s.status === 'offline') return keep(s, false);
      return move(s, 'offline', 'station_down');
    case 'station_online':
      if (s.status === 'offline' && s.cause === 'station_down') return keep(s, true, true);
      return keep(s, false);
    case 'view': {
      if (s.status !== 'online' && s.status !== 'degraded') return keep(s, false);
      const others = (s.status === 'degraded' ? (s.cause ?? '').split(',') : []).filter(
        (k): k is CameraIssue => k !== '' && !(VIEW_ISSUES as readonly string[]).includes(k),
      );
      const issues = sortIssues(o.issue === null ? others : [...others, o.issue]);
      const target = issues.length > 0 ? { status: 'degraded' as Status, cause: issues.join(',') } : { status: 'online' as Status, cause: null };
      if (target.status === s.status && target.cause === s.cause) return keep(s, false);
      return move(s, target.status, target.cause);
    }
    case 'check': {
      if (o.inMaintenance) return s.status === 'maintenance' ? keep(s, true) : move(s, 'maintenance', 'window');
      const target = checkTarget(o);
      if (target.status === s.status && target.cause === s.cause) return keep(s, true);
      const count = s.pendingStatus === target.status ? s.pendingCount + 1 : 1;
      if (count >= CONFIRMATIONS) return move(s, target.status, target.cause);
      return { next: { ...s, pendingStatus: target.status, pendingCount: count }, transition: false, alerts: [], recheck: false };
    }
  }
}

const STATION_KINDS: readonly AlertKind[] = ['station_down'];

/** Applies one observation to a station (the station table above). */
export function stepStation(status: Status, o: StationObservation): StationStep {
  const none = (next: Status = status): StationStep => ({ next, transition: next !== status, alerts: [], cameras: null });
  switch (o.type) {
    case 'maintenance_start':
      return none('maintenance');
    case 'maintenance_end': {
      if (status !== 'maintenance') return none();
      const next: Status = o.recentlySeen ? 'online' : 'offline';
      return {
        next,
        transition: true,
        alerts: alertDiff(null, new Set(next === 'offline' ? ['station_down'] : []), STATION_KINDS),
        cameras: next === 'offline' ? 'station_down' : null,
      };
    }
    case 'will':
    case 'silent':
      if (status === 'maintenance' || status === 'offline') return none();
      return { next: 'offline', transition: true, alerts: [{ action: 'open', kind: 'station_down' }], cameras: 'station_down' };
    case 'online':
    case 'heartbeat':
      if (status === 'maintenance' || status === 'online') return none();
      if (status === 'offline') {
        return { next: 'online', transition: true, alerts: [{ action: 'resolve', kind: 'station_down' }], cameras: 'station_online' };
      }
      return none('online');
  }
}
