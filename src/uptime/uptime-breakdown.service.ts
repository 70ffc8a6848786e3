/**
 * Uptime reports for people: a whole province (or one district, commune or station)
 * broken down per district, commune, station or camera over any period, the worst
 * first; as JSON, as CSV for a spreadsheet and as an Excel workbook. Monitored
 * cameras only: how many unmonitored ones were left out is said.
 */
import { Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { spreadsheetCsv } from '../common/csv-safe';
import { emptyTally, addTally, toSeconds, UptimeMs } from './uptime.calculator';
import { ScopedCamera, UptimeRepository, UptimeStore } from './uptime.repository';
import { dayString } from './uptime.rollup';
import { Layout, UptimeScope, UptimeService } from './uptime.service';

export const BREAKDOWN_BY = ['district', 'commune', 'station', 'camera'] as const;
export type BreakdownBy = (typeof BREAKDOWN_BY)[number];

export interface BreakdownQuery {
  by: BreakdownBy;
  /** Limit to one district, commune or station; default the whole province. */
  scope?: Exclude<UptimeScope, 'camera'>;
  code?: string;
  from?: string;
  to?: string;
  layout?: Layout;
}

export interface BreakdownRow {
  code: string;
  name: string | null;
  cameras: number;
  uptime_pct: number | null;
  online_s: number;
  offline_s: number;
  degraded_s: number;
  maintenance_s: number;
  unknown_s: number;
}

export interface Breakdown {
  by: BreakdownBy;
  scope: string;
  code: string | null;
  from: string;
  to: string;
  cameras: number;
  unmonitored_left_out: number;
  uptime_pct: number | null;
  rows: BreakdownRow[];
}

export const BREAKDOWN_COLUMNS = ['code', 'name', 'cameras', 'uptime_pct', 'online_s', 'offline_s', 'degraded_s', 'maintenance_s', 'unknown_s'] as const;
/** Cameras without a station (private ones) are grouped under this code in a per-station report. */
const NO_STATION = '-';

@Injectable()
export class UptimeBreakdownService {
  constructor(
    private readonly uptime: UptimeService,
    @Inject(UptimeRepository) private readonly repo: UptimeStore,
  ) {}

  async breakdown(q: BreakdownQuery): Promise<Breakdown> {
    const { from, to } = this.uptime.window(q.from, q.to);
    const all =
      q.scope && q.code
        ? await this.uptime.cameras(q.scope, q.code, q.layout ?? '2019', dayString(from))
        : await this.repo.cameras({ by: 'all' }, dayString(from));
    const cameras = all.filter((c) => c.monitored !== false);
    const [tallies, names] = await Promise.all([this.uptime.tallyPerCamera(cameras, from, to), this.repo.names()]);
    const groups = new Map<string, { tally: UptimeMs; cameras: number }>();
    const total = emptyTally();
    for (const c of cameras) {
      const t = tallies.get(c.id) ?? emptyTally();
      addTally(total, t);
      const key = groupKey(q.by, c);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { tally: emptyTally(), cameras: 0 }));
      addTally(g.tally, t);
      g.cameras++;
    }
    const nameOf = (code: string): string | null =>
      q.by === 'district'
        ? (names.districts.get(code) ?? null)
        : q.by === 'commune'
          ? (names.communes.get(code)?.name ?? null)
          : q.by === 'station'
            ? (names.stations.get(code) ?? null)
            : null;
    const rows: BreakdownRow[] = [...groups.entries()].map(([code, g]) => {
      const s = toSeconds(g.tally);
      return {
        code,
        name: nameOf(code),
        cameras: g.cameras,
        uptime_pct: pct(s.uptime_pct),
        online_s: s.online_s,
        offline_s: s.offline_s,
        degraded_s: s.degraded_s,
        maintenance_s: s.maintenance_s,
        unknown_s: s.unknown_s,
      };
    });
    // Worst first; groups with no known time (null) last.
    rows.sort((a, b) => (a.uptime_pct ?? 101) - (b.uptime_pct ?? 101) || a.code.localeCompare(b.code));
    return {
      by: q.by,
      scope: q.scope && q.code ? q.scope : 'province',
      code: q.scope && q.code ? q.code : null,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      cameras: cameras.length,
      unmonitored_left_out: all.length - cameras.length,
      uptime_pct: pct(toSeconds(total).uptime_pct),
      rows,
    };
  }

  async csv(q: BreakdownQuery): Promise<string> {
    return spreadsheetCsv(BREAKDOWN_COLUMNS, (await this.breakdown(q)).rows as unknown as Record<string, unknown>[]);
  }

  /** An Excel workbook: the rows on one sheet, what the report covers on another. */
  async xlsx(q: BreakdownQuery): Promise<Buffer> {
    const b = await this.breakdown(q);
    const wb = new ExcelJS.Workbook();
    wb.creator = 'camnet';
    const sheet = wb.addWorksheet(`uptime by ${b.by}`);
    sheet.columns = BREAKDOWN_COLUMNS.map((key) => ({ header: key, key, width: key === 'name' ? 32 : 14 }));
    // Text cells go in as strings: Excel never evaluates a cell value written this way as a formula.
    for (const r of b.rows) sheet.addRow(r);
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    const about = wb.addWorksheet('report');
    about.addRows([
      ['scope', b.scope],
      ['code', b.code ?? ''],
      ['from', b.from],
      ['to', b.to],
      ['monitored cameras', b.cameras],
      ['unmonitored cameras left out', b.unmonitored_left_out],
      ['uptime %', b.uptime_pct ?? ''],
    ]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}

function groupKey(by: BreakdownBy, c: ScopedCamera): string {
  switch (by) {
    case 'district':
      return c.districtCode ?? NO_STATION;
    case 'commune':
      return c.communeCode;
    case 'station':
      return c.stationCode ?? NO_STATION;
    default:
      return c.code;
  }
}

function pct(p: number | null): number | null {
  return p === null ? null : Math.round(p * 1000) / 1000;
}
