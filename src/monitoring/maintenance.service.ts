/**
 * Maintenance windows: created, changed (end early, extend, change scope) and cancelled
 * by technicians, they put a camera, a station (with its cameras), a commune or a
 * whole district in 'maintenance' while they last. Two windows of one scope may not
 * overlap. A sweep moves subjects
 * into maintenance when a window opens and brings stations back when it closes
 * (online when heard within the silence limit, CAMNET_STATION_SILENT_S, else offline — judged only once
 * camnet has listened that long, as StationWatch does); cameras leave maintenance
 * through their own checks (two agreeing ones).
 */
import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { badField } from '../http-defaults';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';
import { MaintenanceFields, MaintenanceRepository, MaintenanceRow, MaintenanceStore } from './maintenance.repository';

export type MaintenanceInput = MaintenanceFields;

/** A change to a window: any field left out keeps its value. */
export type MaintenancePatch = Partial<MaintenanceFields>;

export interface MaintenanceView {
  id: number;
  scope: string;
  scope_id: string;
  starts_at: string;
  ends_at: string;
  reason: string | null;
  created_by: string | null;
  active: boolean;
}

/** What a check needs to know to tell whether a camera is covered by a window. */
/** The state changes a sweep asks for (CameraStateService decides what they do). */
export type MaintenanceTransitions = Pick<CameraStateService, 'applyCameraObservation' | 'applyStation'>;

export interface MaintenanceSubject {
  code: string;
  stationCode: string | null;
  communeCode: string | null;
  communeCode2025: string | null;
}

@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('maintenance');
  /** Windows in force at the last refresh, as "scope:scope_id" (see MaintenanceRepository.activeKeys). */
  private active = new Set<string>();

  constructor(
    @Inject(MaintenanceRepository) private readonly repo: MaintenanceStore,
    @Inject(CameraStateService) private readonly state: MaintenanceTransitions,
    private readonly events: EventBus,
    private readonly listening: ListeningWindow,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(input: MaintenanceInput, by: string | null = null): Promise<MaintenanceView> {
    await this.validate(input, null);
    const row = await this.repo.insert(input, by);
    this.events.emit('maintenance.created', { scope: input.scope, scopeId: input.scopeId, startsAt: input.startsAt, endsAt: input.endsAt });
    // A window that is already open takes effect now rather than at the next sweep.
    await this.sweepQuietly();
    return this.view(row);
  }

  /**
   * Changes a window that is not over: extend or shorten it, change its scope or reason.
   * An ends_at at or before now ends a window in force now (ending early); the start of
   * a window in force cannot move.
   */
  async update(id: number, patch: MaintenancePatch): Promise<MaintenanceView> {
    const row = await this.existing(id);
    const now = this.clock.now();
    if (row.endsAt <= now) throw new ConflictException(`maintenance window ${id} ended at ${row.endsAt.toISOString()}; it can no longer be changed`);
    const inForce = row.startsAt <= now;
    if (inForce && patch.startsAt !== undefined && patch.startsAt.getTime() !== row.startsAt.getTime()) {
      throw badField('starts_at', `window ${id} is in force since ${row.startsAt.toISOString()}; its start cannot move (end it and open another)`);
    }
    let endsAt = patch.endsAt ?? row.endsAt;
    if (inForce && endsAt < now) endsAt = now;
    const next: MaintenanceFields = {
      scope: patch.scope ?? row.scope,
      scopeId: patch.scopeId ?? row.scopeId,
      startsAt: patch.startsAt ?? row.startsAt,
      endsAt,
      reason: patch.reason !== undefined ? patch.reason : row.reason,
    };
    if (!inForce && next.startsAt < now)
      throw badField('starts_at', `a window that has not started cannot be moved into the past, got ${next.startsAt.toISOString()}`);
    await this.validate(next, id);
    const updated = await this.repo.update(id, next, now);
    await this.sweepQuietly();
    return this.view(updated);
  }

  /** Ends a window in force now. */
  end(id: number): Promise<MaintenanceView> {
    return this.update(id, { endsAt: this.clock.now() });
  }

  /** Cancels a window that has not started; one in force is ended early instead, one over stays as history. */
  async cancel(id: number): Promise<MaintenanceView> {
    const row = await this.existing(id);
    const now = this.clock.now();
    if (row.startsAt <= now) {
      throw new ConflictException(
        `maintenance window ${id} started at ${row.startsAt.toISOString()}; only a future window can be cancelled — end it early with PATCH ends_at or POST /api/maintenance-windows/${id}/end`,
      );
    }
    await this.repo.delete(id);
    return this.view(row);
  }

  async list(filter: { active?: boolean } = {}): Promise<MaintenanceView[]> {
    const rows = await this.repo.list(this.clock.now(), filter.active === true);
    return rows.map((r) => this.view(r));
  }

  private async existing(id: number): Promise<MaintenanceRow> {
    const row = await this.repo.find(id);
    if (!row) throw new NotFoundException(`no maintenance window with id ${id}`);
    return row;
  }

  private async validate(f: MaintenanceFields, id: number | null): Promise<void> {
    if (!(f.startsAt < f.endsAt)) {
      throw badField('ends_at', `must be after starts_at (${f.startsAt.toISOString()}), got ${f.endsAt.toISOString()}`);
    }
    if (!(await this.repo.scopeExists(f.scope, f.scopeId))) {
      throw badField('scope_id', `no ${f.scope} with code ${f.scopeId}`);
    }
    const other = await this.repo.overlapping(f, id);
    if (other) {
      throw badField(
        'starts_at',
        `overlaps maintenance window ${other.id} of ${f.scope} ${f.scopeId} (${other.startsAt.toISOString()} – ${other.endsAt.toISOString()}); change that one instead`,
      );
    }
  }

  private async sweepQuietly(): Promise<void> {
    await this.sweep().catch((err) => this.logger.warn(`maintenance sweep failed: ${err.message}`));
  }

  /** Whether a camera is inside a window, from the windows loaded by the last refresh. */
  covers(s: MaintenanceSubject): boolean {
    if (this.active.size === 0) return false;
    return (
      this.active.has(`camera:${s.code}`) ||
      (s.stationCode !== null && this.active.has(`station:${s.stationCode}`)) ||
      (s.communeCode !== null && (this.active.has(`commune:${s.communeCode}`) || this.active.has(`commune2019:${s.communeCode}`))) ||
      (s.communeCode2025 !== null && this.active.has(`commune:${s.communeCode2025}`))
    );
  }

  async refresh(): Promise<void> {
    this.active = new Set(await this.repo.activeKeys(this.clock.now()));
  }

  /**
   * Moves monitored cameras and stations under an open window into maintenance, and
   * stations whose windows closed back out. Cheap when no window is open.
   */
  async sweep(): Promise<void> {
    await this.refresh();
    const now = this.clock.now();
    if (this.active.size > 0) {
      for (const id of await this.repo.camerasEntering(now))
        await this.state.applyCameraObservation(id, { type: 'maintenance_start' }, 'system', 'maintenance window');
      for (const id of await this.repo.stationsEntering(now)) await this.state.applyStation(id, { type: 'maintenance_start' }, 'system');
    }
    const seenSince = new Date(now.getTime() - this.listening.silentAfterMs);
    const ended = await this.repo.stationsLeaving(now, seenSince);
    // A station not heard while camnet was not listening stays in maintenance until it is heard or a whole window passes.
    const judged = this.listening.coversSince(seenSince);
    for (const s of ended) {
      if (s.recent || judged) await this.state.applyStation(s.id, { type: 'maintenance_end', recentlySeen: s.recent }, 'system');
    }
  }

  private view(r: MaintenanceRow): MaintenanceView {
    const now = this.clock.now().getTime();
    return {
      id: r.id,
      scope: r.scope,
      scope_id: r.scopeId,
      starts_at: r.startsAt.toISOString(),
      ends_at: r.endsAt.toISOString(),
      reason: r.reason,
      created_by: r.createdBy ?? null,
      active: r.startsAt.getTime() <= now && now < r.endsAt.getTime(),
    };
  }
}
