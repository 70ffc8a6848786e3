/**
 * Incident search: every camera near a point at a time, nearest first, with
 * whether it could see the point, its status and heading at that time, and its
 * owner's contact for those allowed to see it. Every search is audited.
 */
import { BadRequestException, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../auth/audit.service';
import { AuthContext, canSeeOwnerContacts } from '../auth/auth-context';
import { CLOCK, Clock, localDay } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { csvComment, csvLine } from '../common/csv';
import { PointIndex, seesPoint } from '../geo';
import { CameraHistoryRepository, SearchCamera } from './camera-history.repository';
import { NearCameraDto, NearQueryDto, NearResultDto } from './search.dto';

/** How far in the future `at` may lie: clocks of the caller and the server disagree a little. */
const FUTURE_SLACK_MS = 60_000;
/** How often the in-memory index checks the camera table for changes (in the background). */
export const SEARCH_INDEX_TTL_MS = 10_000;

interface Snapshot {
  cameras: Map<number, SearchCamera>;
  index: PointIndex<number>;
  fingerprint: string;
  checkedAt: number;
}

export interface NearSearch {
  lat: number;
  lon: number;
  radiusM: number;
  at: Date;
  caseRef: string | null;
}

@Injectable()
export class SearchService implements OnApplicationBootstrap {
  private readonly logger = new Logger('search');
  private snapshot: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;

  constructor(
    private readonly repo: CameraHistoryRepository,
    private readonly audit: AuditService,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private unsubscribe: (() => void) | null = null;

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.events.on('inventory.changed', () => {
      this.refresh().catch((err) => this.logger.warn(`camera index refresh failed: ${err.message}`));
    });
    await this.refresh();
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    // A background reload still running would meet a closed database.
    await this.loading?.catch(() => undefined);
  }

  /** Checks the query against the caller and the clock; answers the normalised search. */
  parse(q: NearQueryDto, auth: AuthContext | undefined): NearSearch {
    const now = this.clock.now();
    const at = q.at === undefined ? now : new Date(q.at);
    if (Number.isNaN(at.getTime())) throw new BadRequestException(`at is not a valid date-time: "${q.at}"`);
    if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) {
      throw new BadRequestException(`at must not lie in the future (got ${at.toISOString()}, now is ${now.toISOString()})`);
    }
    const caseRef = q.case_ref?.trim() || null;
    if (auth?.role === 'police' && !caseRef) {
      throw new BadRequestException('case_ref is required for a police search: give the case reference (e.g. case_ref=VV-2025-0142)');
    }
    return { lat: q.lat, lon: q.lon, radiusM: q.radius_m, at, caseRef };
  }

  /** The search as DESIGN.md shapes it, audited as `action` (search.near, or search.near.export for the CSV). */
  async near(q: NearQueryDto, auth: AuthContext | undefined, action = 'search.near'): Promise<NearResultDto> {
    const s = this.parse(q, auth);
    const snap = await this.current();
    const day = localDay(s.at);
    const hits = snap.index.near(s.lat, s.lon, s.radiusM).filter((h) => {
      const c = snap.cameras.get(h.id)!;
      return (c.registeredOn === null || c.registeredOn <= day) && (c.retiredOn === null || c.retiredOn > day);
    });
    const ids = hits.map((h) => h.id);
    const { status: statuses, heading: headings } = await this.repo.historyAt(ids, s.at);
    const showOwner = canSeeOwnerContacts(auth);
    const point = { lat: s.lat, lon: s.lon };
    const cameras: NearCameraDto[] = hits.map((h) => {
      const c = snap.cameras.get(h.id)!;
      const heading = headings.get(c.id) ?? c.headingDeg;
      return {
        code: c.code,
        ownership: c.ownership,
        lat: c.lat,
        lon: c.lon,
        distance_m: round2(h.distance_m),
        sees_point: seesPoint({ lat: c.lat, lon: c.lon, headingDeg: heading, fovDeg: c.fovDeg, rangeM: c.rangeM }, point),
        status_at: statuses.get(c.id) ?? 'unknown',
        heading_at: heading,
        fov_deg: c.fovDeg,
        range_m: c.rangeM,
        owner: showOwner && c.ownership !== 'station' ? { name: c.ownerName, phone: c.ownerPhone } : null,
      };
    });
    await this.audit.record(auth, action, null, {
      lat: s.lat,
      lon: s.lon,
      radius_m: s.radiusM,
      at: s.at.toISOString(),
      case_ref: s.caseRef,
      results: cameras.length,
    });
    return { at: s.at.toISOString(), point, radius_m: s.radiusM, cameras };
  }

  /** The same search as a CSV file for the case record (audited as search.near.export). */
  async nearCsv(q: NearQueryDto, auth: AuthContext | undefined): Promise<string> {
    const result = await this.near(q, auth, 'search.near.export');
    const header = ['code', 'ownership', 'lat', 'lon', 'distance_m', 'sees_point', 'status_at', 'heading_at', 'fov_deg', 'range_m', 'owner_name', 'owner_phone'];
    return (
      csvComment(`camnet incident search at ${result.at}; point ${result.point.lat},${result.point.lon}; radius ${result.radius_m} m${q.case_ref ? `; case ${q.case_ref}` : ''}`) +
      csvLine(header) +
      result.cameras
        .map((c) => csvLine([c.code, c.ownership, c.lat, c.lon, c.distance_m, c.sees_point, c.status_at, c.heading_at, c.fov_deg, c.range_m, c.owner?.name ?? '', c.owner?.phone ?? '']))
        .join('')
    );
  }

  /** Reloads the cameras now if the table changed (or was never loaded). */
  async refresh(): Promise<void> {
    await this.load(this.snapshot);
  }

  /**
   * The snapshot to answer from. A stale one is used as is while a background
   * check compares the camera table's fingerprint and reloads when it changed,
   * so no request waits on the check.
   */
  private async current(): Promise<Snapshot> {
    const snap = this.snapshot;
    if (!snap) return this.load(null);
    if (this.clock.now().getTime() - snap.checkedAt > SEARCH_INDEX_TTL_MS && !this.loading) {
      this.load(snap).catch((err) => this.logger.warn(`camera index refresh failed: ${err.message}`));
    }
    return snap;
  }

  private load(previous: Snapshot | null): Promise<Snapshot> {
    this.loading ??= (async () => {
      try {
        const fingerprint = await this.repo.fingerprint();
        const checkedAt = this.clock.now().getTime();
        if (previous && previous.fingerprint === fingerprint) {
          previous.checkedAt = checkedAt;
          return previous;
        }
        const list = await this.repo.loadCameras();
        const snap: Snapshot = {
          cameras: new Map(list.map((c) => [c.id, c])),
          index: new PointIndex(list.map((c) => ({ id: c.id, lat: c.lat, lon: c.lon }))),
          fingerprint,
          checkedAt,
        };
        this.snapshot = snap;
        return snap;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
