/**
 * Inventory drift: a device that reports another model, firmware or serial than the
 * inventory holds is listed with both values; a technician accepts the reported
 * values into the inventory, or marks the inventory as right (those reported values
 * are then no longer listed; a further change is).
 */
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { DriftRepository, DriftRow } from './drift.repository';

export const DRIFT_FIELDS = ['model', 'firmware', 'serial'] as const;
type DriftField = (typeof DRIFT_FIELDS)[number];

export interface DriftView {
  code: string;
  station_code: string | null;
  fields: { field: DriftField; inventory: string | null; reported: string }[];
}

/** The fields whose reported value differs from the inventory (a field the device did not report is no drift). */
export function driftOf(row: Pick<DriftRow, DriftField | 'device'>): DriftView['fields'] {
  const out: DriftView['fields'] = [];
  for (const f of DRIFT_FIELDS) {
    const reported = row.device?.[f];
    if (reported === null || reported === undefined || reported === '') continue;
    if ((row[f] ?? '').trim() !== String(reported).trim()) out.push({ field: f, inventory: row[f], reported: String(reported) });
  }
  return out;
}

const reportedValues = (row: DriftRow) => Object.fromEntries(DRIFT_FIELDS.map((f) => [f, row.device?.[f] ?? null]));
const sameReport = (a: Record<string, string | null> | null, b: Record<string, string | null>) =>
  a !== null && DRIFT_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));

@Injectable()
export class DriftService {
  constructor(
    private readonly repo: DriftRepository,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(): Promise<{ total: number; items: DriftView[] }> {
    const items = (await this.repo.reported())
      .filter((r) => !sameReport(r.kept, reportedValues(r)))
      .map((r) => ({ code: r.code, station_code: r.station_code, fields: driftOf(r) }))
      .filter((v) => v.fields.length > 0);
    return { total: items.length, items };
  }

  /** Writes the reported values into the inventory; answers what changed. */
  async accept(code: string): Promise<DriftView> {
    const view = await this.repo.transaction(async (m) => {
      const row = await this.one(code, m);
      const fields = driftOf(row);
      const pick = (f: DriftField) => fields.find((x) => x.field === f)?.reported ?? null;
      await this.repo.accept(m, row.id, { model: pick('model'), firmware: pick('firmware'), serial: pick('serial') });
      return { code: row.code, station_code: row.station_code, fields };
    });
    this.events.emit('inventory.changed', { at: this.clock.now(), what: 'camera' });
    return view;
  }

  /** Records that the inventory is right for what the device reports now. */
  async keep(code: string, by: string): Promise<DriftView> {
    return this.repo.transaction(async (m) => {
      const row = await this.one(code, m);
      await this.repo.keep(m, row.id, reportedValues(row), this.clock.now(), by);
      return { code: row.code, station_code: row.station_code, fields: driftOf(row) };
    });
  }

  private async one(code: string, m: Parameters<DriftRepository['reported']>[1]): Promise<DriftRow> {
    const [row] = await this.repo.reported(code, m);
    if (!row) throw new NotFoundException(`no camera ${code} in service whose device reported its model, firmware or serial`);
    if (driftOf(row).length === 0) throw new NotFoundException(`camera ${code} reports what the inventory holds: no drift`);
    return row;
  }
}
