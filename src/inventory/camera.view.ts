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
}

/** The SELECT list that produces CameraRow; never the encrypted secret itself. */
export const CAMERA_ROW_SQL = `
  c.id, c.code, c.ownership, s.code AS station_code, c.commune_code, c.commune_code_2025,
  c.lat, c.lon, c.heading_deg, c.fov_deg, c.range_m, c.ptz, c.onvif_url, c.onvif_user,
  (c.onvif_secret_enc IS NOT NULL) AS has_onvif_password, c.vendor, c.model, c.firmware, c.serial,
  c.owner_name, c.owner_phone, to_char(c.registered_on, 'YYYY-MM-DD') AS registered_on,
  to_char(c.retired_on, 'YYYY-MM-DD') AS retired_on, COALESCE(cs.status, 'unknown') AS status
  FROM camera c
  LEFT JOIN station s ON s.id = c.station_id
  LEFT JOIN camera_state cs ON cs.camera_id = c.id`;

export type CameraView = Omit<CameraRow, 'id'>;

/**
 * What a caller may see of a camera: owners' contacts only for police and admin
 * (DESIGN.md); the ONVIF password never, only whether one is set.
 */
export function toCameraView(row: CameraRow, showOwner: boolean): CameraView {
  const { id: _id, ...view } = row;
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
  'code', 'ownership', 'station_code', 'commune_code', 'lat', 'lon', 'heading_deg', 'fov_deg', 'range_m', 'status',
] as const;
export type CameraMapRow = Pick<CameraRow, 'id' | (typeof CAMERA_MAP_COLUMNS)[number]>;

/** The SELECT list that produces CameraMapRow, with the same aliases (c, s, cs) as CAMERA_ROW_SQL so the same filters apply. */
export const CAMERA_MAP_ROW_SQL = `
  c.id, c.code, c.ownership, s.code AS station_code, c.commune_code,
  c.lat, c.lon, c.heading_deg, c.fov_deg, c.range_m, COALESCE(cs.status, 'unknown') AS status
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
  return CAMERA_MAP_COLUMNS.map((k) => row[k]);
}
