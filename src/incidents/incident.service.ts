/**
 * "What is down now, and why": every monitored camera and station that is not
 * online, with since, one reason (code and words), its place and its open alert;
 * filtered, sorted and paged here (reasons are derived, so they filter after the
 * read), then grouped by station for the technician's list.
 */
import { Injectable } from '@nestjs/common';
import { spreadsheetCsv } from '../common/csv-safe';
import { cameraReason, stationReason, StatusReason } from '../common/status-reason';
import { INCIDENT_STATUSES, IncidentQueryDto } from './incident.dto';
import { IncidentCameraRow, IncidentRepository, IncidentStationRow, OpenAlertRow } from './incident.repository';

export interface Incident {
  subject: 'camera' | 'station';
  code: string;
  status: string;
  since: string | null;
  reason: StatusReason;
  station_code: string | null;
  ownership: string | null;
  commune_code: string;
  commune_code_2025: string | null;
  commune_name: string | null;
  district_code: string | null;
  district_name: string | null;
  lat: number;
  lon: number;
  alert: { id: number; kind: string; state: 'open' | 'acked' } | null;
}

export interface IncidentGroup {
  /** null for cameras without a station (private cameras). */
  station_code: string | null;
  /** The station's own incident when the station itself is not online. */
  station: Incident | null;
  cameras: Incident[];
}

export interface IncidentPage {
  total: number;
  counts: { cameras: number; stations: number; by_reason: Record<string, number> };
  limit: number;
  offset: number;
  items: Incident[];
  /** The page's items grouped by station, in the order of their first item. */
  groups: IncidentGroup[];
}

const DEFAULT_STATUSES = ['offline', 'degraded', 'maintenance'];

export const INCIDENT_CSV_COLUMNS = [
  'subject',
  'code',
  'status',
  'since',
  'reason_code',
  'reason',
  'station_code',
  'commune_code',
  'commune_name',
  'district_code',
  'district_name',
  'lat',
  'lon',
  'alert_id',
  'alert_state',
] as const;

@Injectable()
export class IncidentService {
  constructor(private readonly repo: IncidentRepository) {}

  /** Without `seesPrivate` (technicians), private cameras are left out: they reach them as counts only. */
  async list(q: IncidentQueryDto, seesPrivate = true): Promise<IncidentPage> {
    const all = await this.matching(q, seesPrivate);
    const limit = q.limit ?? 200;
    const offset = q.offset ?? 0;
    const items = all.slice(offset, offset + limit);
    const by_reason: Record<string, number> = {};
    for (const i of all) by_reason[i.reason.code] = (by_reason[i.reason.code] ?? 0) + 1;
    return {
      total: all.length,
      counts: { cameras: all.filter((i) => i.subject === 'camera').length, stations: all.filter((i) => i.subject === 'station').length, by_reason },
      limit,
      offset,
      items,
      groups: groupByStation(items),
    };
  }

  /** Every matching incident (no paging), as a spreadsheet-safe CSV. */
  async csv(q: IncidentQueryDto, seesPrivate = true): Promise<string> {
    const rows = (await this.matching(q, seesPrivate)).map((i) => ({
      ...i,
      reason_code: i.reason.code,
      reason: i.reason.text,
      alert_id: i.alert?.id ?? null,
      alert_state: i.alert?.state ?? null,
    }));
    return spreadsheetCsv(INCIDENT_CSV_COLUMNS, rows);
  }

  private async matching(q: IncidentQueryDto, seesPrivate: boolean): Promise<Incident[]> {
    const statuses = q.status?.length ? q.status.filter((s) => (INCIDENT_STATUSES as readonly string[]).includes(s)) : DEFAULT_STATUSES;
    const [cameras, stations, alerts] = await Promise.all([
      q.subject === 'station' ? [] : this.repo.cameras(statuses),
      q.subject === 'camera' ? [] : this.repo.stations(statuses),
      this.repo.openAlerts(),
    ]);
    const alertOf = alertIndex(alerts);
    const list = [
      ...stations.map((s) => stationIncident(s, alertOf)),
      ...cameras.filter((c) => seesPrivate || c.ownership === 'station').map((c) => cameraIncident(c, alertOf)),
    ].filter(
      (i) =>
        (!q.reason?.length || i.reason.codes.some((c) => q.reason!.includes(c))) &&
        (!q.district || i.district_code === q.district) &&
        (!q.commune || i.commune_code === q.commune || i.commune_code_2025 === q.commune) &&
        (!q.station || i.station_code === q.station),
    );
    return list.sort(comparator(q.sort ?? 'since', q.order ?? 'asc'));
  }
}

function alertIndex(alerts: OpenAlertRow[]): (subject: string) => Incident['alert'] {
  const bySubject = new Map<string, Incident['alert']>();
  // The oldest open alert of a subject stands for it (rows come oldest first).
  for (const a of alerts) if (!bySubject.has(a.subject)) bySubject.set(a.subject, { id: a.id, kind: a.kind, state: a.acked_at ? 'acked' : 'open' });
  return (subject) => bySubject.get(subject) ?? null;
}

function cameraIncident(c: IncidentCameraRow, alertOf: (s: string) => Incident['alert']): Incident {
  const reason = cameraReason({
    status: c.status,
    cause: c.cause,
    lastError: c.last_error,
    clockOffsetS: c.clock_offset_s,
    headingDeg: c.heading_deg ?? c.registered_deg,
    registeredDeg: c.registered_deg,
    stationCode: c.station_code,
  })!;
  return {
    subject: 'camera',
    code: c.code,
    status: c.status,
    since: c.since === null ? null : new Date(c.since).toISOString(),
    reason,
    station_code: c.station_code,
    ownership: c.ownership,
    commune_code: c.commune_code,
    commune_code_2025: c.commune_code_2025,
    commune_name: c.commune_name,
    district_code: c.district_code,
    district_name: c.district_name,
    lat: c.lat,
    lon: c.lon,
    // A camera behind a downed station has no alert of its own: the station's stands for it.
    alert: alertOf(`camera:${c.code}`) ?? (reason.code === 'station_down' && c.station_code ? alertOf(`station:${c.station_code}`) : null),
  };
}

function stationIncident(s: IncidentStationRow, alertOf: (s: string) => Incident['alert']): Incident {
  return {
    subject: 'station',
    code: s.code,
    status: s.status,
    since: s.since === null ? null : new Date(s.since).toISOString(),
    reason: stationReason({ status: s.status, lastEventReason: s.last_event_reason })!,
    station_code: s.code,
    ownership: null,
    commune_code: s.commune_code,
    commune_code_2025: s.commune_code_2025,
    commune_name: s.commune_name,
    district_code: s.district_code,
    district_name: s.district_name,
    lat: s.lat,
    lon: s.lon,
    alert: alertOf(`station:${s.code}`),
  };
}

/** since: oldest first (asc); place sorts: by place, then oldest first, then station before its cameras, then code. */
export function comparator(sort: string, order: 'asc' | 'desc'): (a: Incident, b: Incident) => number {
  const dir = order === 'desc' ? -1 : 1;
  const time = (i: Incident) => (i.since === null ? Number.POSITIVE_INFINITY : Date.parse(i.since));
  const str = (x: string | null) => x ?? '\uffff';
  const key = (i: Incident): string =>
    sort === 'district' ? str(i.district_code) : sort === 'commune' ? str(i.commune_code) : sort === 'station' ? str(i.station_code) : '';
  return (a, b) => {
    const byPlace = key(a).localeCompare(key(b));
    if (byPlace !== 0) return dir * byPlace;
    const byTime = time(a) - time(b);
    if (byTime !== 0) return (sort === 'since' ? dir : 1) * byTime;
    if (a.subject !== b.subject) return a.subject === 'station' ? -1 : 1;
    return a.code.localeCompare(b.code);
  };
}

function groupByStation(items: Incident[]): IncidentGroup[] {
  const groups = new Map<string, IncidentGroup>();
  for (const i of items) {
    const key = i.station_code ?? '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { station_code: i.station_code, station: null, cameras: [] }));
    if (i.subject === 'station') g.station = i;
    else g.cameras.push(i);
  }
  return [...groups.values()];
}
