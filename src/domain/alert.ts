/**
 * The alert vocabulary, written once: the kinds of alert the status machine
 * opens and resolves, the alerts table stores and the bus carries, and the
 * reasons a camera that answers is degraded. Imports nothing.
 */

/** Picture faults found in snapshots (src/view), one alert kind each. */
export const VIEW_ISSUES = ['view_dark', 'view_blocked', 'view_blurred', 'view_frozen', 'view_moved'] as const;
export type ViewIssue = (typeof VIEW_ISSUES)[number];

/** Every alert kind. */
export const ALERT_KINDS = ['offline', 'station_down', 'turned', 'clock_drift', 'auth_failed', ...VIEW_ISSUES] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The alert a station raises about itself; every other kind is about one camera. */
export type StationAlertKind = Extract<AlertKind, 'station_down'>;
export type CameraAlertKind = Exclude<AlertKind, StationAlertKind>;
export const CAMERA_ALERT_KINDS: readonly CameraAlertKind[] = ALERT_KINDS.filter((k): k is CameraAlertKind => k !== 'station_down');

/** What the status machine asks of the alerts module. */
export type AlertActionKind = 'open' | 'resolve';

/** The states an alert goes through (alert table, live stream). */
export type AlertState = 'open' | 'acked' | 'resolved';

/**
 * Why a camera that answers is degraded (the reason stored with its status).
 * `bad_reply` has no alert kind of its own (README, departures).
 */
export const CAMERA_ISSUES = ['auth_failed', 'bad_reply', 'clock_drift', 'turned', ...VIEW_ISSUES] as const;
export type CameraIssue = (typeof CAMERA_ISSUES)[number];
