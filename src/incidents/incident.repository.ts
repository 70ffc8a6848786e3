/** The SQL behind the incidents list: monitored cameras and stations that are not online, and open alerts. */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface IncidentCameraRow {
  code: string;
  status: string;
  since: Date | null;
  cause: string | null;
  last_error: { kind: string; message: string } | null;
  clock_offset_s: number | null;
  heading_deg: number | null;
  registered_deg: number;
  station_code: string | null;
  ownership: string;
  commune_code: string;
  commune_code_2025: string | null;
  commune_name: string | null;
  district_code: string | null;
  district_name: string | null;
  lat: number;
  lon: number;
}

export interface IncidentStationRow {
  code: string;
  status: string;
  since: Date | null;
  last_event_reason: string | null;
  commune_code: string;
  commune_code_2025: string | null;
  commune_name: string | null;
  district_code: string | null;
  district_name: string | null;
  lat: number;
  lon: number;
}

export interface OpenAlertRow {
  id: number;
  kind: string;
  subject: string;
  acked_at: Date | null;
}

// Communes and districts are named in the 2019 layout, the one stations and cameras are registered in.
const PLACE_JOIN = (alias: string) => `
  LEFT JOIN admin_unit au ON au.layout = '2019' AND au.level = 'commune' AND au.code = ${alias}.commune_code
  LEFT JOIN admin_unit ad ON ad.layout = '2019' AND ad.level = 'district' AND ad.code = au.parent_code`;

@Injectable()
export class IncidentRepository {
  constructor(private readonly db: DataSource) {}

  /** Monitored cameras (an ONVIF address, not retired) whose status is one of `statuses`. */
  cameras(statuses: readonly string[]): Promise<IncidentCameraRow[]> {
    return this.db.query(
      `SELECT c.code, cs.status, cs.since, cs.reason AS cause, cs.last_error, cs.clock_offset_s, cs.heading_deg, c.heading_deg AS registered_deg,
              st.code AS station_code, c.ownership, c.commune_code, c.commune_code_2025, au.name AS commune_name,
              au.parent_code AS district_code, ad.name AS district_name, c.lat, c.lon
       FROM camera c JOIN camera_state cs ON cs.camera_id = c.id
       LEFT JOIN station st ON st.id = c.station_id ${PLACE_JOIN('c')}
       WHERE c.onvif_url IS NOT NULL AND c.retired_on IS NULL AND cs.status = ANY($1::text[])`,
      [statuses],
    );
  }

  /** Stations (not retired) whose status is one of `statuses`, with the reason of their last transition. */
  stations(statuses: readonly string[]): Promise<IncidentStationRow[]> {
    return this.db.query(
      `SELECT st.code, ss.status, ss.since, ev.reason AS last_event_reason, st.commune_code, st.commune_code_2025,
              au.name AS commune_name, au.parent_code AS district_code, ad.name AS district_name, st.lat, st.lon
       FROM station st JOIN station_state ss ON ss.station_id = st.id ${PLACE_JOIN('st')}
       LEFT JOIN LATERAL (SELECT reason FROM status_event e WHERE e.subject = 'station' AND e.subject_id = st.id ORDER BY e.at DESC, e.id DESC LIMIT 1) ev ON true
       WHERE st.retired_on IS NULL AND ss.status = ANY($1::text[])`,
      [statuses],
    );
  }

  openAlerts(): Promise<OpenAlertRow[]> {
    return this.db.query(`SELECT id, kind, subject, acked_at FROM alert WHERE resolved_at IS NULL ORDER BY opened_at, id`);
  }
}
