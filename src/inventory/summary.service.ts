import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { CAMNET_CONFIG, type CamnetConfig } from '../config/config';
import { Meta } from '../database/meta.entity';
import { SEED_META_KEY } from '../database/seed-meta';
import { STATUSES } from '../domain/status';
import { AdminLayout, communeColumn } from './admin-unit.entity';
import { OWNERSHIPS } from './camera.entity';

/** Which parts of the inventory are real and which generated, for anyone reading the figures. */
const DATA_SOURCE = {
  admin_units:
    'real: GSO list of 192 communes (2019 layout), district boundaries (gis.chinhphu.vn), July-2025 communes and boundaries (sapnhap.bando.com.vn, NQ 1682/NQ-UBTVQH15)',
  routes: 'real alignments of 8 main routes; QL1, QL50, QL62, QL N2 digitised, the others approximate (see SOURCES.md)',
  figures:
    'Long An 2022 report: 670 stations, 1,696 cameras in 112 communes, 5,572 citizen, 17,110 business, 231 household cameras, 115 road signs, over 12 billion VND',
  positions:
    'generated: station, camera and road-sign positions, headings, funding per station and owners are placed deterministically by the seed generator; the exact positions are not public',
};

/**
 * With PostgreSQL (other replicas change statuses and the inventory without this
 * replica hearing it) a kept summary is counted again when older than this.
 * Embedded mode is one replica whose events say every change.
 */
export const SUMMARY_TTL_MS = 15_000;

export type Summary = Awaited<ReturnType<SummaryService['count']>>;

interface Counting {
  promise: Promise<Summary>;
  /** A change was heard while counting: the result answers this request but is not kept. */
  overtaken: boolean;
}

/**
 * The province figures of DESIGN.md, counted from the database, with live status
 * counts. Counting reads every camera (hundreds of milliseconds at 230,826
 * cameras, on embedded PGlite in the service's own thread), and every map load
 * asks for it: the answer is kept per layout, its status counts moved by each
 * camera's status change as the map moves its own, and counted again after an
 * inventory change (or SUMMARY_TTL_MS with PostgreSQL). The map's layout is
 * counted at start, in the background, so the first map after a start does not
 * wait for it either.
 */
@Injectable()
export class SummaryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly kept = new Map<AdminLayout, { at: number; summary: Summary }>();
  private readonly counting = new Map<AdminLayout, Counting>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.events.on('inventory.changed', () => this.forget()),
      this.events.on('status.changed', (e) => {
        if (e.subject !== 'camera' || e.status === e.previous) return;
        for (const c of this.counting.values()) c.overtaken = true;
        for (const [layout, { summary }] of this.kept) {
          // A move the counts cannot take (nothing counted in the old status) means they no longer match: count again.
          if (!(summary.status[e.previous] > 0) || !(e.status in summary.status)) this.kept.delete(layout);
          else {
            summary.status[e.previous]--;
            summary.status[e.status]++;
          }
        }
      }),
    );
    this.summary('2019').catch(() => undefined);
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** The figures for `layout`: the kept ones when they still hold, else counted now. */
  async summary(layout: AdminLayout = '2019'): Promise<Summary> {
    const kept = this.kept.get(layout);
    const shared = this.config.databaseUrl !== null;
    if (kept && !(shared && this.clock.now().getTime() - kept.at > SUMMARY_TTL_MS)) return copy(kept.summary);
    let counting = this.counting.get(layout);
    // A count begun before the last change would answer what no longer holds.
    if (!counting || counting.overtaken) {
      const at = this.clock.now().getTime();
      const c: Counting = { promise: this.count(layout), overtaken: false };
      counting = c;
      this.counting.set(layout, c);
      c.promise
        .then((summary) => {
          if (!c.overtaken) this.kept.set(layout, { at, summary });
        })
        .catch(() => undefined)
        .finally(() => {
          if (this.counting.get(layout) === c) this.counting.delete(layout);
        });
    }
    return copy(await counting.promise);
  }

  /** The inventory changed: count again now, in the background, so that the next map does not wait for it. */
  private forget(): void {
    // A layout being counted for the first time is counted again too: its count began before the change.
    const layouts = new Set([...this.kept.keys(), ...this.counting.keys()]);
    this.kept.clear();
    for (const c of this.counting.values()) c.overtaken = true;
    for (const layout of layouts) this.summary(layout).catch(() => undefined);
  }

  private async count(layout: AdminLayout) {
    const column = communeColumn(layout);
    const [[counts], ownership, status, byCommune, seed] = await Promise.all([
      this.dataSource.query(
        `SELECT
           (SELECT count(*)::int FROM admin_unit WHERE layout = $1 AND level = 'commune') AS communes,
           (SELECT count(DISTINCT ${column})::int FROM station WHERE retired_on IS NULL) AS with_stations,
           (SELECT count(*)::int FROM station WHERE retired_on IS NULL) AS stations,
           (SELECT count(*)::int FROM road_sign) AS road_signs,
           (SELECT COALESCE(sum(funding_vnd), 0)::float8 FROM station WHERE retired_on IS NULL) AS funding_vnd`,
        [layout],
      ),
      this.dataSource.query(`SELECT ownership, count(*)::int AS n FROM camera WHERE retired_on IS NULL GROUP BY ownership`),
      this.dataSource.query(
        `SELECT COALESCE(cs.status, 'unknown') AS status, count(*)::int AS n
         FROM camera c LEFT JOIN camera_state cs ON cs.camera_id = c.id WHERE c.retired_on IS NULL GROUP BY 1`,
      ),
      this.dataSource.query(
        `SELECT u.code, u.name,
           (SELECT count(*)::int FROM station s WHERE s.${column} = u.code AND s.retired_on IS NULL) AS stations,
           (SELECT count(*)::int FROM camera c WHERE c.${column} = u.code AND c.retired_on IS NULL) AS cameras
         FROM admin_unit u WHERE u.layout = $1 AND u.level = 'commune' ORDER BY u.code`,
        [layout],
      ),
      this.dataSource.getRepository(Meta).findOne({ where: { key: SEED_META_KEY } }),
    ]);
    const cameras = Object.fromEntries(OWNERSHIPS.map((o) => [o, 0])) as Record<string, number>;
    for (const r of ownership) cameras[r.ownership] = r.n;
    const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
    for (const r of status) statusCounts[r.status] = r.n;
    return {
      layout,
      communes: { total: counts.communes, with_stations: counts.with_stations },
      stations: counts.stations,
      cameras: { ...cameras, total: Object.values(cameras).reduce((a, b) => a + b, 0) },
      road_signs: counts.road_signs,
      funding_vnd: counts.funding_vnd,
      status: statusCounts,
      by_commune: byCommune,
      data_source: { ...DATA_SOURCE, seed: seed?.value ?? null },
    };
  }
}

/** A copy whose status counts later moves do not touch (the rest is never changed in place). */
function copy(summary: Summary): Summary {
  return { ...summary, status: { ...summary.status } };
}
