/**
 * Incident search: every camera near a point at a time, nearest first, with
 * whether it could see the point, its status and heading at that time, and its
 * owner's contact for those allowed to see it. Every search is audited.
 */
import { BadRequestException, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../auth/audit.service';
import { AuthContext, canSeeOwnerContacts } from '../auth/auth-context';
import { pointToPolygonDistance } from '@turf/turf';
import { CLOCK, Clock, localDay, localIsoString, parseLocalDateTime } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { csvLine } from '../common/csv';
import { PointIndex, PolygonIndex, seesPoint } from '../geo';
import { StatusHistory, StatusHistoryRepository } from '../monitoring/status-history.repository';
import { SearchCamera, SearchCameraRepository, SearchCameraStore } from './search-camera.repository';
import { recordedAt, recordedRank, unknownReason } from './recording';
import { gapAt } from '../monitoring/unwatched';
import { COUNTS_LABEL, countsCell, countsOf } from '../domain/search-counts';
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
  /** The province outline (GeoJSON Polygon/MultiPolygon), or null when no inventory holds one. */
  province: { outline: Parameters<typeof pointToPolygonDistance>[1]; index: PolygonIndex } | null;
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
    @Inject(SearchCameraRepository) private readonly repo: SearchCameraStore,
    @Inject(StatusHistoryRepository) private readonly history: StatusHistory,
    @Inject(AuditService) private readonly audit: Pick<AuditService, 'record'>,
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

  /**
   * Checks the query against the caller and the clock; answers the normalised
   * search. (A refused search is audited as refused by the audit interceptor.)
   */
  parse(q: NearQueryDto): NearSearch {
    const now = this.clock.now();
    const at = q.at === undefined ? now : parseLocalDateTime(q.at);
    if (at === null) {
      throw searchError(`at is not a valid date-time: "${q.at}"`, 'invalid_date_time', { field: 'at', value: q.at });
    }
    if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) {
      throw searchError(`at must not lie in the future (got ${localIsoString(at)}, now is ${localIsoString(now)})`, 'time_in_future', {
        field: 'at',
        value: localIsoString(at),
        now: localIsoString(now),
      });
    }
    const caseRef = q.case_ref?.trim() || null;
    if (!caseRef) {
      throw searchError('case_ref is required for an incident search: give the case reference (e.g. case_ref=VV-2025-0142)', 'case_ref_required', {
        field: 'case_ref',
      });
    }
    return { lat: q.lat, lon: q.lon, radiusM: q.radius_m, at, caseRef };
  }

  /** The search as DESIGN.md shapes it, audited as `action` (search.near, or search.near.export for the CSV). */
  async near(q: NearQueryDto, auth: AuthContext | undefined, action = 'search.near'): Promise<NearResultDto> {
    const s = this.parse(q);
    const snap = await this.current();
    this.refuseOutsideProvince(snap, s);
    const day = localDay(s.at);
    const hits = snap.index.near(s.lat, s.lon, s.radiusM).filter((h) => {
      const c = snap.cameras.get(h.id)!;
      return (c.registeredOn === null || c.registeredOn <= day) && (c.retiredOn === null || c.retiredOn > day);
    });
    const ids = hits.map((h) => h.id);
    const [{ status: statuses, heading: headings }, gaps] = await Promise.all([this.history.historyAt(ids, s.at), this.history.unwatched(s.at, s.at)]);
    const gap = gapAt(gaps, s.at.getTime());
    const showOwner = canSeeOwnerContacts(auth);
    const point = { lat: s.lat, lon: s.lon };
    const cameras: NearCameraDto[] = hits.map((h) => {
      const c = snap.cameras.get(h.id)!;
      const heading = headings.get(c.id) ?? c.headingDeg;
      const then = statuses.get(c.id);
      const sees = seesPoint({ lat: c.lat, lon: c.lon, headingDeg: heading, fovDeg: c.fovDeg, rangeM: c.rangeM }, point);
      const recorded = recordedAt(sees, then?.status ?? 'unknown', then?.reason ?? null);
      return {
        code: c.code,
        ownership: c.ownership,
        lat: c.lat,
        lon: c.lon,
        distance_m: round2(h.distance_m),
        sees_point: sees,
        recorded,
        unknown_reason: unknownReason(recorded, then?.status ?? 'unknown', then?.reason ?? null),
        status_at: then?.status ?? 'unknown',
        heading_at: heading,
        fov_deg: c.fovDeg,
        range_m: c.rangeM,
        owner: showOwner && c.ownership !== 'station' ? { name: c.ownerName, phone: c.ownerPhone } : null,
      };
    });
    // Nearest first within each answer; the index already gave them nearest first and the sort is stable.
    cameras.sort((a, b) => recordedRank(a.recorded) - recordedRank(b.recorded));
    const counts = countsOf(cameras);
    await this.audit.record(auth, action, null, {
      lat: s.lat,
      lon: s.lon,
      radius_m: s.radiusM,
      at: s.at.toISOString(),
      case_ref: s.caseRef,
      results: cameras.length,
      recorded: counts.recorded,
      ...(gap ? { not_watching: true } : {}),
    });
    const notWatching = gap ? { from: new Date(gap.from).toISOString(), to: gap.to === null ? null : new Date(gap.to).toISOString() } : null;
    return {
      at: s.at.toISOString(),
      at_local: localIsoString(s.at),
      point,
      radius_m: s.radiusM,
      case_ref: s.caseRef!,
      counts,
      not_watching: notWatching,
      cameras,
    };
  }

  /**
   * The same search as a CSV file for the case record (audited as
   * search.near.export): UTF-8 with a byte-order mark so Excel reads Vietnamese,
   * the case's particulars as ordinary two-cell rows, a blank row, then the table.
   */
  async nearCsv(q: NearQueryDto, auth: AuthContext | undefined): Promise<string> {
    const result = await this.near(q, auth, 'search.near.export');
    const particulars: [string, unknown][] = [
      ['camnet incident search', ''],
      ['case_ref', result.case_ref],
      ['at (Long An time UTC+7)', result.at_local],
      ['at (UTC)', result.at],
      ['lat', result.point.lat],
      ['lon', result.point.lon],
      ['radius_m', result.radius_m],
      ['searched by', auth ? `${auth.name} (${auth.role})` : ''],
      [COUNTS_LABEL, countsCell(result.counts)],
      ...(result.not_watching
        ? [
            [
              'camnet not watching (status unknown)',
              `${localIsoString(new Date(result.not_watching.from))} – ${result.not_watching.to ? localIsoString(new Date(result.not_watching.to)) : 'not since'}`,
            ] as [string, unknown],
          ]
        : []),
    ];
    const header = [
      'code',
      'ownership',
      'lat',
      'lon',
      'distance_m',
      'sees_point',
      'recorded',
      'status_at',
      'heading_at',
      'fov_deg',
      'range_m',
      'owner_name',
      'owner_phone',
      'unknown_reason',
    ];
    const rows = result.cameras.map((c) => [
      c.code,
      c.ownership,
      c.lat,
      c.lon,
      c.distance_m,
      c.sees_point,
      c.recorded ?? 'unknown',
      c.status_at,
      c.heading_at,
      c.fov_deg,
      c.range_m,
      c.owner?.name ?? '',
      c.owner?.phone ?? '',
      c.unknown_reason ?? '',
    ]);
    return '\uFEFF' + [...particulars, [], header, ...rows].map(csvLine).join('');
  }

  /**
   * A search whose whole circle lies outside the province can find nothing camnet
   * holds: say so rather than answer an empty list. A point just across the border
   * is still searched when the circle reaches into the province.
   */
  private refuseOutsideProvince(snap: Snapshot, s: NearSearch): void {
    if (!snap.province || snap.province.index.find([s.lon, s.lat]) !== null) return;
    const distanceM = pointToPolygonDistance([s.lon, s.lat], snap.province.outline, { units: 'meters' });
    if (distanceM > s.radiusM) {
      throw searchError(
        `the point ${s.lat}, ${s.lon} lies outside Long An province (${Math.round(distanceM)} m from its border, more than the ${s.radiusM} m radius): camnet holds no cameras there`,
        'point_outside_province',
        { lat: s.lat, lon: s.lon, distance_m: Math.round(distanceM), radius_m: s.radiusM },
      );
    }
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
        if (previous && previous.fingerprint === fingerprint && previous.province !== null) {
          previous.checkedAt = checkedAt;
          return previous;
        }
        const list = await this.repo.loadCameras();
        const outline = (await this.repo.provinceBoundary()) as NonNullable<Snapshot['province']>['outline'] | null;
        const province = outline ? { outline, index: new PolygonIndex([{ key: 'province', geometry: outline }]) } : null;
        const snap: Snapshot = {
          cameras: new Map(list.map((c) => [c.id, c])),
          index: new PointIndex(list.map((c) => ({ id: c.id, lat: c.lat, lon: c.lon }))),
          fingerprint,
          checkedAt,
          province,
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

/** A 400 with a stable code and its parameters, so the map can say it in the reader's language. */
function searchError(message: string, code: string, params: Record<string, unknown>): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, code, params });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
