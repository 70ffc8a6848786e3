/**
 * Read side of monitoring for its API: a camera's current status in the status
 * endpoint's shape, and its status and orientation history over a window.
 */
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { cameraReason, effectiveLastError, StatusReason } from '../common/status-reason';
import type { Status } from '../domain/status';
import { StatusHistory, StatusHistoryRepository } from './status-history.repository';

export interface CameraStatusView {
  code: string;
  status: Status;
  since: string | null;
  /** Why it is not online (null when online); see src/common/status-reason.ts. */
  reason: StatusReason | null;
  last_check_at: string | null;
  last_ok_at: string | null;
  last_error: { kind: string; message: string } | null;
  clock_offset_s: number | null;
  heading_deg: number | null;
  ptz: { pan: number | null; tilt: number | null; zoom: number | null } | null;
  device: { manufacturer: string | null; model: string | null; firmware: string | null; serial: string | null; hardware_id: string | null } | null;
}

export interface CameraHistoryView {
  code: string;
  from: string;
  to: string;
  /** The status in force at `from` (the last transition before it), unknown if none or while camnet was not watching. */
  status_at_from: Status;
  /** The changes; a time camnet was not watching opens with `unknown` (source system, reason camnet_not_watching) and closes with the status it carried on with. */
  status: { at: string; status: Status; source: string; reason: string | null }[];
  /** The times camnet itself was not watching that overlap the window (unclipped; `to` null: not watching since). */
  not_watching: { from: string; to: string | null }[];
  orientation: { at: string; heading_deg: number | null; pan: number | null; tilt: number | null; zoom: number | null; source: string }[];
}

/** Events of each kind one history answer lists at most. */
const HISTORY_LIMIT = 10_000;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

@Injectable()
export class MonitoringQueryService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(StatusHistoryRepository) private readonly statusHistory: StatusHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** GET /api/cameras/{code}/status. Without `seesPrivate` a private camera is not found (README, "Who sees private cameras"). */
  async cameraStatus(code: string, seesPrivate = true): Promise<CameraStatusView> {
    const [r] = await this.dataSource.query(
      `SELECT c.code, COALESCE(cs.status, 'unknown') AS status, cs.since, cs.reason AS cause, cs.last_check_at, cs.last_ok_at, cs.last_error,
              cs.clock_offset_s, COALESCE(cs.heading_deg, c.heading_deg) AS heading_deg, c.heading_deg AS registered_deg, cs.ptz, cs.device,
              st.code AS station_code
       FROM camera c LEFT JOIN camera_state cs ON cs.camera_id = c.id LEFT JOIN station st ON st.id = c.station_id WHERE c.code = $1 ${seesPrivate ? '' : `AND c.ownership = 'station'`}`,
      [code],
    );
    if (!r) throw new NotFoundException(`no camera with code ${code}`);
    const d = r.device as Record<string, string | null> | null;
    const reasonInput = {
      status: r.status,
      cause: r.cause,
      lastError: r.last_error ? { kind: r.last_error.kind, message: r.last_error.message } : null,
      clockOffsetS: r.clock_offset_s,
      headingDeg: r.heading_deg,
      registeredDeg: r.registered_deg,
      stationCode: r.station_code,
    };
    return {
      code: r.code,
      status: r.status,
      since: iso(r.since),
      reason: cameraReason(reasonInput),
      last_check_at: iso(r.last_check_at),
      last_ok_at: iso(r.last_ok_at),
      last_error: effectiveLastError(reasonInput),
      clock_offset_s: r.clock_offset_s,
      heading_deg: r.heading_deg,
      ptz: r.ptz ? { pan: r.ptz.pan ?? null, tilt: r.ptz.tilt ?? null, zoom: r.ptz.zoom ?? null } : null,
      device: d
        ? {
            manufacturer: d.manufacturer ?? null,
            model: d.model ?? null,
            firmware: d.firmware ?? null,
            serial: d.serial ?? null,
            hardware_id: d.hardware_id ?? null,
          }
        : null,
    };
  }

  /** GET /api/cameras/{code}/history: status and orientation events in [from, to]; default the last 7 days. */
  async history(code: string, fromIso?: string, toIso?: string, seesPrivate = true): Promise<CameraHistoryView> {
    const to = toIso ? new Date(toIso) : this.clock.now();
    const from = fromIso ? new Date(fromIso) : new Date(to.getTime() - 7 * 86_400_000);
    if (!(from < to)) throw new BadRequestException(`from must be before to, got from=${from.toISOString()} to=${to.toISOString()}`);
    const [cam] = await this.dataSource.query(`SELECT id FROM camera WHERE code = $1 ${seesPrivate ? '' : `AND ownership = 'station'`}`, [code]);
    if (!cam) throw new NotFoundException(`no camera with code ${code}`);
    const window = { from, to, through: true, limit: HISTORY_LIMIT };
    const [status, orientation, gaps] = await Promise.all([
      this.statusHistory.statusOver([cam.id], window),
      this.statusHistory.headingChanges(cam.id, window),
      this.statusHistory.unwatched(from, to),
    ]);
    const { initial, changes } = status.get(cam.id)!;
    return {
      code,
      from: from.toISOString(),
      to: to.toISOString(),
      status_at_from: initial,
      status: changes.map((e) => ({ at: iso(e.at)!, status: e.status, source: e.source, reason: e.reason })),
      not_watching: gaps.map((g) => ({ from: new Date(g.from).toISOString(), to: g.to === null ? null : new Date(g.to).toISOString() })),
      orientation: orientation.map((e) => ({ at: iso(e.at)!, heading_deg: e.headingDeg, pan: e.pan, tilt: e.tilt, zoom: e.zoom, source: e.source })),
    };
  }
}
