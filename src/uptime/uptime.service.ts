/**
 * Uptime reports for a camera, station, commune or district over any window:
 * whole rolled-up days come from uptime_daily, the partial days at the edges
 * (and days not rolled up yet) from raw status events. Both give the same figures.
 */
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { StatusHistory, StatusHistoryRepository } from '../monitoring/status-history.repository';
import { addTally, toSeconds, UptimeMs } from './uptime.calculator';
import { CameraFilter, MaintenanceIndex, ScopedCamera, UptimeRepository, UptimeStore } from './uptime.repository';
import { DAY_MS, dayStart, dayString, parseDay, sumTallies, tallyCameras } from './uptime.rollup';

export const UPTIME_SCOPES = ['camera', 'station', 'commune', 'district'] as const;
export type UptimeScope = (typeof UPTIME_SCOPES)[number];
export type Layout = '2019' | '2025-07';

export const MAX_WINDOW_DAYS = 400;
const DEFAULT_WINDOW_MS = DAY_MS;

export interface UptimeQuery {
  scope: UptimeScope;
  code: string;
  from?: string;
  to?: string;
  layout?: Layout;
}

export interface UptimeReport {
  scope: UptimeScope;
  code: string;
  layout?: Layout;
  from: string;
  to: string;
  /** Monitored cameras counted (an ONVIF address, or a status history). */
  cameras: number;
  /** Cameras in the scope camnet does not watch (private cameras without ONVIF): left out, not counted as unknown. */
  unmonitored_left_out: number;
  online_s: number;
  offline_s: number;
  degraded_s: number;
  maintenance_s: number;
  /** Camera-seconds with no known status: never checked, no history, or camnet not watching (which not_watching_s gives on its own). */
  unknown_s: number;
  /** Wall-clock seconds of the window camnet was not watching (its own downtime): counted in unknown_s, neither up nor down. */
  not_watching_s: number;
  /** The periods camnet was not watching that overlap the window (unclipped; `to` null: not watching since). */
  not_watching: { from: string; to: string | null }[];
  /** 100 × online / (online + offline + degraded): over watched time outside maintenance only. */
  uptime_pct: number | null;
}

@Injectable()
export class UptimeService {
  constructor(
    @Inject(UptimeRepository) private readonly repo: UptimeStore,
    @Inject(StatusHistoryRepository) private readonly history: StatusHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async report(q: UptimeQuery): Promise<UptimeReport> {
    const { from, to } = this.window(q.from, q.to);
    const layout = q.layout ?? '2019';
    const all = await this.cameras(q.scope, q.code, layout, dayString(from));
    // A camera asked for by name is reported (unknown throughout when camnet never watched it); groups count monitored ones.
    const cameras = q.scope === 'camera' ? all : all.filter((c) => c.monitored !== false);
    const [tally, gaps] = await Promise.all([this.tally(cameras, from, to), this.history.unwatched(new Date(from), new Date(to))]);
    const s = toSeconds(tally);
    const notWatchingMs = gaps.reduce((sum, g) => sum + Math.max(0, Math.min(g.to ?? Infinity, to) - Math.max(g.from, from)), 0);
    return {
      scope: q.scope,
      code: q.code,
      ...(q.scope === 'commune' ? { layout } : {}),
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      cameras: cameras.length,
      unmonitored_left_out: all.length - cameras.length,
      online_s: s.online_s,
      offline_s: s.offline_s,
      degraded_s: s.degraded_s,
      maintenance_s: s.maintenance_s,
      unknown_s: s.unknown_s,
      not_watching_s: notWatchingMs / 1000,
      not_watching: gaps.map((g) => ({ from: new Date(g.from).toISOString(), to: g.to === null ? null : new Date(g.to).toISOString() })),
      uptime_pct: s.uptime_pct === null ? null : Math.round(s.uptime_pct * 1000) / 1000,
    };
  }

  /** Each camera's tally over [from, to), from rollups for whole rolled-up days and events for the rest. */
  async tallyPerCamera(cameras: ScopedCamera[], from: number, to: number): Promise<Map<number, UptimeMs>> {
    const maintenance = new MaintenanceIndex(await this.repo.maintenance(new Date(from), new Date(to)));
    const through = await this.repo.rolledThrough();
    const rollStart = dayStart(from) === from ? from : dayStart(from) + DAY_MS;
    const rollEnd = through === null ? rollStart : Math.min(dayStart(to), parseDay(through) + DAY_MS);
    if (rollEnd <= rollStart) return tallyCameras(this.history, cameras, maintenance, from, to);
    const [sums, head, tail] = await Promise.all([
      this.repo.rollupSumsByCamera(
        cameras.map((c) => c.id),
        dayString(rollStart),
        dayString(rollEnd),
      ),
      tallyCameras(this.history, cameras, maintenance, from, rollStart),
      tallyCameras(this.history, cameras, maintenance, rollEnd, to),
    ]);
    const out = new Map<number, UptimeMs>();
    for (const c of cameras) {
      const r = sums.get(c.id) ?? { online: 0, offline: 0, degraded: 0, maintenance: 0, known: 0 };
      // A camera-day with no rollup row was unknown the whole day.
      const t: UptimeMs = { online: r.online, offline: r.offline, degraded: r.degraded, maintenance: r.maintenance, unknown: rollEnd - rollStart - r.known };
      for (const part of [head, tail]) {
        const p = part.get(c.id);
        if (p) addTally(t, p);
      }
      out.set(c.id, t);
    }
    return out;
  }

  /** The summed tally of these cameras over [from, to), using rollups for the whole rolled-up days inside. */
  async tally(cameras: ScopedCamera[], from: number, to: number): Promise<UptimeMs> {
    const maintenance = new MaintenanceIndex(await this.repo.maintenance(new Date(from), new Date(to)));
    const through = await this.repo.rolledThrough();
    const rollStart = dayStart(from) === from ? from : dayStart(from) + DAY_MS;
    const rollEnd = through === null ? rollStart : Math.min(dayStart(to), parseDay(through) + DAY_MS);
    if (rollEnd <= rollStart) return sumTallies((await tallyCameras(this.history, cameras, maintenance, from, to)).values());

    const sums = await this.repo.rollupSums(
      cameras.map((c) => c.id),
      dayString(rollStart),
      dayString(rollEnd),
    );
    // A camera-day with no rollup row was unknown the whole day, so whatever of the
    // rolled-up range is not known time is unknown.
    const total: UptimeMs = {
      online: sums.online,
      offline: sums.offline,
      degraded: sums.degraded,
      maintenance: sums.maintenance,
      unknown: cameras.length * (rollEnd - rollStart) - sums.known,
    };

    const [head, tail] = await Promise.all([
      tallyCameras(this.history, cameras, maintenance, from, rollStart),
      tallyCameras(this.history, cameras, maintenance, rollEnd, to),
    ]);
    for (const part of [head, tail]) addTally(total, sumTallies(part.values()));
    return total;
  }

  /** Daily uptime of a scope over [from, to), for a chart: one point per day (at most 92). */
  async series(q: UptimeQuery): Promise<{ scope: UptimeScope; code: string; points: { from: string; uptime_pct: number | null }[] }> {
    const { from, to } = this.window(q.from ?? new Date(this.clock.now().getTime() - 30 * DAY_MS).toISOString(), q.to);
    if (to - from > 92 * DAY_MS) throw new BadRequestException('a series may span at most 92 days; use the breakdown report for longer periods');
    const all = await this.cameras(q.scope, q.code, q.layout ?? '2019', dayString(from));
    const cameras = all.filter((c) => c.monitored !== false);
    const points: { from: string; uptime_pct: number | null }[] = [];
    for (let start = dayStart(from); start < to; start += DAY_MS) {
      const a = Math.max(start, from);
      const b = Math.min(start + DAY_MS, to);
      const s = toSeconds(await this.tally(cameras, a, b));
      points.push({ from: new Date(a).toISOString(), uptime_pct: s.uptime_pct === null ? null : Math.round(s.uptime_pct * 1000) / 1000 });
    }
    return { scope: q.scope, code: q.code, points };
  }

  /** The report window in epoch ms: defaults to the last 24 hours, ends no later than now. */
  window(fromRaw: string | undefined, toRaw: string | undefined): { from: number; to: number } {
    const now = this.clock.now().getTime();
    const parse = (name: string, raw: string) => {
      const ms = Date.parse(raw);
      if (Number.isNaN(ms)) throw new BadRequestException(`${name} must be an ISO 8601 date-time such as 2025-07-01T00:00:00Z, got "${raw}"`);
      return ms;
    };
    const requestedTo = toRaw === undefined ? now : parse('to', toRaw);
    const from = fromRaw === undefined ? requestedTo - DEFAULT_WINDOW_MS : parse('from', fromRaw);
    if (requestedTo <= from)
      throw new BadRequestException(`to must be after from (from ${new Date(from).toISOString()}, to ${new Date(requestedTo).toISOString()})`);
    if (requestedTo - from > MAX_WINDOW_DAYS * DAY_MS) {
      throw new BadRequestException(`the window may span at most ${MAX_WINDOW_DAYS} days; split longer reports`);
    }
    // What has not happened yet is not counted (as unknown or otherwise).
    const to = Math.min(requestedTo, now);
    if (to <= from) throw new BadRequestException(`from must be in the past (now is ${new Date(now).toISOString()})`);
    return { from, to };
  }

  async cameras(scope: UptimeScope, code: string, layout: Layout, activeOn: string): Promise<ScopedCamera[]> {
    let filter: CameraFilter;
    switch (scope) {
      case 'camera': {
        const cameras = await this.repo.cameras({ by: 'camera', code });
        if (cameras.length === 0) throw new NotFoundException(`no camera with code "${code}"`);
        return cameras;
      }
      case 'station': {
        const stationId = await this.repo.stationId(code);
        if (stationId === null) throw new NotFoundException(`no station with code "${code}"`);
        filter = { by: 'station', stationId };
        break;
      }
      case 'commune':
        if (!(await this.repo.adminUnitExists(layout, 'commune', code))) {
          throw new NotFoundException(
            `no commune with code "${code}" in the ${layout} layout${layout === '2019' ? ' (for a 2025 commune add layout=2025-07)' : ''}`,
          );
        }
        filter = { by: 'commune', code, layout };
        break;
      case 'district':
        if (layout !== '2019') throw new BadRequestException('districts exist only in the 2019 layout (the 2025-07 reform abolished them); drop layout');
        if (!(await this.repo.adminUnitExists('2019', 'district', code))) throw new NotFoundException(`no district with code "${code}"`);
        filter = { by: 'district', code };
        break;
      default:
        throw new BadRequestException(`scope must be one of ${UPTIME_SCOPES.join(', ')}, got "${String(scope)}"`);
    }
    return this.repo.cameras(filter, activeOn);
  }
}
