import { cameraReason, StatusReason } from '../common/status-reason';
import type { Ownership } from './camera.entity';

/** A camera row as the inventory queries read it (joined with its station code and current status). */
export interface CameraRow {
  id: number;
  code: string;
  ownership: Ownership;
  station_code: string | null;
  commune_code: string;
  commune_code_2025: string | null;
  lat: number;
  lon: number;
  heading_deg: number;
  fov_deg: number;
  range_m: number;
  ptz: boolean;
  onvif_url: string | null;
  onvif_user: string | null;
  has_onvif_password: boolean;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  owner_name: string | null;
  owner_phone: string | null;
  registered_on: string | null;
  retired_on: string | null;
  status: string;
  /** Current state columns the reason is derived from; not shown as such. */
  status_since: Date | null;
  status_cause: string | null;
  last_error: { kind: string; message: string } | null;
  clock_offset_s: number | null;
  measured_heading_deg: number | null;
}

/** The SELECT list that produces CameraRow; never the encrypted secret itself. */
export const CAMERA_ROW_SQL = `
  c.id, c.code, c.ownership, s.code AS station_code, c.commune_code, c.commune_code_2025,
  c.lat, c.lon, c.heading_deg, c.fov_deg, c.range_m, c.ptz, c.onvif_url, c.onvif_user,
  (c.onvif_secret_enc IS NOT NULL) AS has_onvif_password, c.vendor, c.model, c.firmware, c.serial,
  c.owner_name, c.owner_phone, to_char(c.registered_on, 'YYYY-MM-DD') AS registered_on,
  to_char(c.retired_on, 'YYYY-MM-DD') AS retired_on, COALESCE(cs.status, 'unknown') AS status,
  cs.since AS status_since, cs.reason AS status_cause, cs.last_error, cs.clock_offset_s, cs.heading_deg AS measured_heading_deg
  FROM camera c
  LEFT JOIN station s ON s.id = c.station_id
  LEFT JOIN camera_state cs ON cs.camera_id = c.id`;

type StateColumns = 'status_since' | 'status_cause' | 'last_error' | 'clock_offset_s' | 'measured_heading_deg';
/** A camera as the API shows it: its inventory fields, its status, since when and why. */
export type CameraView = Omit<CameraRow, 'id' | StateColumns> & { since: string | null; reason: StatusReason | null };

/**
 * What a caller may see of a camera: owners' contacts only for police and admin
 * (DESIGN.md); the ONVIF password never, only whether one is set.
 */
export function toCameraView(row: CameraRow, showOwner: boolean): CameraView {
  const { id: _id, status_since, status_cause, last_error, clock_offset_s, measured_heading_deg, ...fields } = row;
  const reason = cameraReason({
    status: row.status,
    cause: status_cause,
    lastError: last_error,
    clockOffsetS: clock_offset_s,
    headingDeg: measured_heading_deg ?? row.heading_deg,
    registeredDeg: row.heading_deg,
    stationCode: row.station_code,
    monitored: row.onvif_url !== null,
  });
  const view: CameraView = { ...fields, since: status_since === null ? null : new Date(status_since).toISOString(), reason };
  if (!showOwner) {
    view.owner_name = null;
    view.owner_phone = null;
  }
  return view;
}

/** `GET /api/cameras?view=`: `full` is every field above; `map` is the compact table the map draws from. */
export const CAMERA_LIST_VIEWS = ['full', 'map'] as const;
export type CameraListView = (typeof CAMERA_LIST_VIEWS)[number];

/**
 * What the map needs to draw and filter a camera, in this column order. Owners'
 * contacts are never here, whoever asks: the map fetches one camera's details on click.
 */
export const CAMERA_MAP_COLUMNS = [
  'code',
  'ownership',
  'station_code',
  'commune_code',
  'lat',
  'lon',
  'heading_deg',
  'fov_deg',
  'range_m',
  'status',
  'reason',
] as const;
/** A map row as read; `reason` (the reason code, null when online) is derived from the state columns. */
export type CameraMapRow = Pick<CameraRow, 'id' | Exclude<(typeof CAMERA_MAP_COLUMNS)[number], 'reason'> | 'status_cause' | 'clock_offset_s'> & {
  last_error_kind: string | null;
  monitored: boolean;
};

/** The SELECT list that produces CameraMapRow, with the same aliases (c, s, cs) as CAMERA_ROW_SQL so the same filters apply. */
export const CAMERA_MAP_ROW_SQL = `
  c.id, c.code, c.ownership, s.code AS station_code, c.commune_code,
  c.lat, c.lon, c.heading_deg, c.fov_deg, c.range_m, COALESCE(cs.status, 'unknown') AS status,
  cs.reason AS status_cause, cs.last_error->>'kind' AS last_error_kind, cs.clock_offset_s,
  (c.onvif_url IS NOT NULL) AS monitored
  FROM camera c
  LEFT JOIN station s ON s.id = c.station_id
  LEFT JOIN camera_state cs ON cs.camera_id = c.id`;

/**
 * A page of the map view as a table: the column names once, then one array per
 * camera. Objects would repeat every key for each of 24,609 cameras, which is
 * most of the bytes the browser has to parse.
 */
export interface CameraMapPage {
  columns: readonly string[];
  rows: unknown[][];
  next_cursor: string | null;
}

export function toCameraMapRow(row: CameraMapRow): unknown[] {
  const reason = cameraReason({
    status: row.status,
    cause: row.status_cause,
    lastError: row.last_error_kind === null ? null : { kind: row.last_error_kind, message: '' },
    clockOffsetS: row.clock_offset_s,
    headingDeg: null,
    registeredDeg: row.heading_deg,
    stationCode: row.station_code,
    monitored: row.monitored,
  });
  return CAMERA_MAP_COLUMNS.map((k) => (k === 'reason' ? (reason?.code ?? null) : row[k]));
}
