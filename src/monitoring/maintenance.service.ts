/**
 * Maintenance windows: created by technicians, they put a camera, a station (with its
 * cameras) or a whole commune in 'maintenance' while they last. A sweep moves subjects
 * into maintenance when a window opens and brings stations back when it closes
 * (online when heard within the silence limit, CAMNET_STATION_SILENT_S, else offline — judged only once
 * camnet has listened that long, as StationWatch does); cameras leave maintenance
 * through their own checks (two agreeing ones).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { badField } from '../http-defaults';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';

export interface MaintenanceInput {
  scope: 'camera' | 'station' | 'commune';
  scopeId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
}

export interface MaintenanceView {
  id: number;
  scope: string;
  scope_id: string;
  starts_at: string;
  ends_at: string;
  reason: string | null;
  active: boolean;
}

/** What a check needs to know to tell whether a camera is covered by a window. */
export interface MaintenanceSubject {
  code: string;
  stationCode: string | null;
  communeCode: string | null;
  communeCode2025: string | null;
}

@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('maintenance');
  /** Windows in force at the last refresh, as "scope:scope_id". */
  private active = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly state: CameraStateService,
    private readonly events: EventBus,
    private readonly listening: ListeningWindow,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(input: MaintenanceInput): Promise<MaintenanceView> {
    if (!(input.startsAt < input.endsAt)) {
      throw badField('ends_at', `must be after starts_at (${input.startsAt.toISOString()}), got ${input.endsAt.toISOString()}`);
    }
    if (!(await this.scopeExists(input.scope, input.scopeId))) {
      throw badField('scope_id', `no ${input.scope} with code ${input.scopeId}`);
    }
    const [row] = await this.dataSource.query(
      `INSERT INTO maintenance_window (scope, scope_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [input.scope, input.scopeId, input.startsAt, input.endsAt, input.reason],
    );
    this.events.emit('maintenance.created', { scope: input.scope, scopeId: input.scopeId, startsAt: input.startsAt, endsAt: input.endsAt });
    // A window that is already open takes effect now rather than at the next sweep.
    await this.sweep().catch((err) => this.logger.warn(`maintenance sweep failed: ${err.message}`));
    return this.view(row);
  }

  async list(filter: { active?: boolean } = {}): Promise<MaintenanceView[]> {
    const now = this.clock.now();
    const rows = await this.dataSource.query(
      filter.active
        ? `SELECT * FROM maintenance_window WHERE starts_at <= $1 AND ends_at > $1 ORDER BY starts_at, id`
        : `SELECT * FROM maintenance_window WHERE $1::timestamptz IS NOT NULL ORDER BY starts_at DESC, id DESC LIMIT 1000`,
      [now],
    );
    return rows.map((r: MaintenanceRow) => this.view(r));
  }

  /** Whether a camera is inside a window, from the windows loaded by the last refresh. */
  covers(s: MaintenanceSubject): boolean {
    if (this.active.size === 0) return false;
    return (
      this.active.has(`camera:${s.code}`) ||
      (s.stationCode !== null && this.active.has(`station:${s.stationCode}`)) ||
      (s.communeCode !== null && this.active.has(`commune:${s.communeCode}`)) ||
      (s.communeCode2025 !== null && this.active.has(`commune:${s.communeCode2025}`))
    );
  }

  async refresh(): Promise<void> {
    const now = this.clock.now();
    const rows: { scope: string; scope_id: string }[] = await this.dataSource.query(
      `SELECT scope, scope_id FROM maintenance_window WHERE starts_at <= $1 AND ends_at > $1`,
      [now],
    );
    this.active = new Set(rows.map((r) => `${r.scope}:${r.scope_id}`));
  }

  /**
   * Moves monitored cameras and stations under an open window into maintenance, and
   * stations whose windows closed back out. Cheap when no window is open.
   */
  async sweep(): Promise<void> {
    await this.refresh();
    const now = this.clock.now();
    const cover = (alias: string, code: string, station: string, c19: string, c25: string) => `EXISTS (
      SELECT 1 FROM maintenance_window w WHERE w.starts_at <= $1 AND w.ends_at > $1 AND (
        ${alias === 'c' ? `(w.scope = 'camera' AND w.scope_id = ${code}) OR` : ''}
        (w.scope = 'station' AND w.scope_id = ${station}) OR (w.scope = 'commune' AND w.scope_id IN (${c19}, ${c25}))))`;
    if (this.active.size > 0) {
      const cameras: { id: number }[] = await this.dataSource.query(
        `SELECT c.id FROM camera c JOIN camera_state cs ON cs.camera_id = c.id JOIN probe_schedule ps ON ps.camera_id = c.id
         LEFT JOIN station st ON st.id = c.station_id
         WHERE cs.status <> 'maintenance' AND ${cover('c', 'c.code', 'st.code', 'c.commune_code', 'c.commune_code_2025')}`,
        [now],
      );
      for (const c of cameras) await this.state.applyCameraObservation(c.id, { type: 'maintenance_start' }, 'system', 'maintenance window');
      const stations: { id: number }[] = await this.dataSource.query(
        `SELECT st.id FROM station st JOIN station_state ss ON ss.station_id = st.id
         WHERE ss.status <> 'maintenance' AND ${cover('st', '', 'st.code', 'st.commune_code', 'st.commune_code_2025')}`,
        [now],
      );
      for (const s of stations) await this.state.applyStation(s.id, { type: 'maintenance_start' }, 'system');
    }
    const seenSince = new Date(now.getTime() - this.listening.silentAfterMs);
    const ended: { id: number; recent: boolean }[] = await this.dataSource.query(
      `SELECT st.id, COALESCE(ss.last_seen_at >= $2, false) AS recent FROM station st JOIN station_state ss ON ss.station_id = st.id
       WHERE ss.status = 'maintenance' AND NOT ${cover('st', '', 'st.code', 'st.commune_code', 'st.commune_code_2025')}`,
      [now, seenSince],
    );
    // A station not heard while camnet was not listening stays in maintenance until it is heard or a whole window passes.
    const judged = this.listening.coversSince(seenSince);
    for (const s of ended) {
      if (s.recent || judged) await this.state.applyStation(s.id, { type: 'maintenance_end', recentlySeen: s.recent }, 'system');
    }
  }

  private async scopeExists(scope: MaintenanceInput['scope'], id: string): Promise<boolean> {
    const sql = {
      camera: `SELECT 1 FROM camera WHERE code = $1`,
      station: `SELECT 1 FROM station WHERE code = $1`,
      commune: `SELECT 1 FROM admin_unit WHERE level = 'commune' AND code = $1`,
    }[scope];
    return (await this.dataSource.query(sql, [id])).length > 0;
  }

  private view(r: MaintenanceRow): MaintenanceView {
    const now = this.clock.now().getTime();
    const starts = new Date(r.starts_at);
    const ends = new Date(r.ends_at);
    return {
      id: r.id,
      scope: r.scope,
      scope_id: r.scope_id,
      starts_at: starts.toISOString(),
      ends_at: ends.toISOString(),
      reason: r.reason,
      active: starts.getTime() <= now && now < ends.getTime(),
    };
  }
}

/** A maintenance_window row as the queries above select it. */
interface MaintenanceRow {
  id: number;
  scope: string;
  scope_id: string;
  starts_at: Date;
  ends_at: Date;
  reason: string | null;
}
