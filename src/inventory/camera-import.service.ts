import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { badRequest } from '../http-defaults';
import { CameraWriter, RowError } from './camera.writer';
import { ImportFileError, parseCameraImport } from './camera-import.parser';

export interface ImportReport {
  dry_run: boolean;
  format: 'csv' | 'geojson';
  rows: number;
  created: number;
  updated: number;
}

/** Rolls a dry run back after the checks: the only way to count without writing. */
class DryRunRollback extends Error {}

/**
 * Imports cameras from a file: all rows land or none. Every row is checked
 * before anything is written; the error answer lists every bad row and field.
 * Rows whose code exists update that camera, so an export re-imports cleanly.
 */
@Injectable()
export class CameraImportService {
  private readonly logger = new Logger('import');

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: CameraWriter,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async import(file: Buffer, filename: string, dryRun: boolean): Promise<ImportReport> {
    let parsed;
    try {
      parsed = parseCameraImport(file, filename);
    } catch (err) {
      if (err instanceof ImportFileError) throw badRequest([], err.message);
      throw err;
    }
    if (parsed.rows.length === 0) throw rowErrors([], 'the file holds no rows');
    if (parsed.errors.length) throw rowErrors(parsed.errors);

    const total = parsed.rows.length;
    const started = Date.now();
    let report: ImportReport = { dry_run: dryRun, format: parsed.format, rows: total, created: 0, updated: 0 };
    try {
      await this.dataSource.transaction(async (m) => {
        const problems = await this.writer.check(m, parsed.rows, 'upsert');
        if (problems.length) throw rowErrors(problems);
        const counts = await this.writer.write(m, parsed.rows, (done) => {
          if (total >= 5000 && (done % 5000 < 500 || done === total)) this.logger.log(`${dryRun ? 'checking' : 'importing'} cameras: ${done}/${total} rows`);
        });
        report = { ...report, ...counts };
        if (dryRun) throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    if (!dryRun) this.events.emit('inventory.changed', { at: this.clock.now(), what: 'camera' });
    this.logger.log(`${dryRun ? 'dry run of' : 'imported'} ${total} cameras (${report.created} new, ${report.updated} updated) in ${Date.now() - started} ms`);
    return report;
  }
}

function rowErrors(errors: RowError[], message?: string): BadRequestException {
  const rows = new Set(errors.map((e) => e.row)).size;
  return badRequest(errors, message ?? `${rows} row${rows > 1 ? 's have' : ' has'} errors; nothing was imported`);
}
