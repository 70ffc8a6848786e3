import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { CLOCK, Clock, localDay } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { badRequest, flattenValidationErrors, type FieldError } from '../http-defaults';
import {
  CameraMapPage,
  CameraMapRow,
  CameraRow,
  CameraView,
  CAMERA_MAP_COLUMNS,
  CAMERA_MAP_ROW_SQL,
  CAMERA_ROW_SQL,
  toCameraMapRow,
  toCameraView,
} from './camera.view';
import { CameraWriter } from './camera.writer';
import { CAMERA_FIELDS, CameraInputDto, CameraQueryDto, UpdateCameraDto } from './inventory.dto';
import { areaConditions, SqlParams, visibilityCondition, whereClause } from './camera.filter';
import { decodeCursor, Page, pageOf } from './page';

/** Cameras: listing with filters and cursor pages, and the create / update / retire rules. */
@Injectable()
export class CameraService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: CameraWriter,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * view=map answers a CameraMapPage (no owner contacts, whoever asks); any other view a Page of full cameras.
   * Without `seesPrivate` only station cameras are listed, whatever the filters ask for.
   */
  async list(q: CameraQueryDto, access: CameraAccess): Promise<Page<CameraView> | CameraMapPage> {
    const p = new SqlParams();
    const where = [...visibilityCondition(access.seesPrivate), ...areaConditions(q, p)];
    if (!q.retired) where.push('c.retired_on IS NULL');
    if (q.station) where.push(`s.code = ${p.add(q.station)}`);
    if (q.ownership?.length) where.push(`c.ownership = ANY(${p.add(q.ownership)})`);
    if (q.status?.length) where.push(`COALESCE(cs.status, 'unknown') = ANY(${p.add(q.status)})`);
    if (q.cursor) where.push(`c.id > ${p.add(decodeCursor(q.cursor))}`);
    const limit = q.limit ?? 100;
    const sql = (select: string) => `SELECT ${select} ${whereClause(where)} ORDER BY c.id LIMIT ${p.add(limit + 1)}`;
    if (q.view === 'map') {
      const rows: CameraMapRow[] = await this.dataSource.query(sql(CAMERA_MAP_ROW_SQL), p.values);
      const page = pageOf(rows, limit, toCameraMapRow);
      return { columns: CAMERA_MAP_COLUMNS, rows: page.items, next_cursor: page.next_cursor };
    }
    const rows: CameraRow[] = await this.dataSource.query(sql(CAMERA_ROW_SQL), p.values);
    return pageOf(rows, limit, (r) => toCameraView(r, access.seesOwners));
  }

  /** A private camera is "not found" for a caller who may not see it: its existence is not theirs to learn either. */
  async get(code: string, access: CameraAccess): Promise<CameraView> {
    return toCameraView(visible(await this.row(code), access), access.seesOwners);
  }

  async create(dto: CameraInputDto, access: CameraAccess): Promise<CameraView> {
    if (dto.ownership !== 'station' && !access.seesPrivate) throw privateWriteRefused(dto.code);
    await this.dataSource.transaction(async (m) => {
      throwIfErrors(await this.writer.check(m, [dto], 'create'));
      await this.writer.write(m, [dto]);
    });
    this.changed();
    return this.get(dto.code, access);
  }

  async update(code: string, patch: UpdateCameraDto, access: CameraAccess): Promise<CameraView> {
    if (patch.ownership !== undefined && patch.ownership !== 'station' && !access.seesPrivate) throw privateWriteRefused(code);
    await this.dataSource.transaction(async (m) => {
      const current = visible(await this.row(code, m), access);
      // The merged camera must satisfy every rule a new one does (ownership ⇔ station, ranges).
      const merged = plainToInstance(CameraInputDto, { ...inputOf(current), ...patch, code });
      const invalid = flattenValidationErrors(validateSync(merged, { whitelist: true }));
      throwIfErrors(invalid);
      throwIfErrors(await this.writer.check(m, [merged], 'update'));
      await this.writer.write(m, [merged]);
    });
    this.changed();
    return this.get(code, access);
  }

  /** Retiring keeps the camera and its history; it leaves coverage and monitoring. */
  async retire(code: string, access: CameraAccess): Promise<CameraView> {
    visible(await this.row(code), access);
    const today = localDay(this.clock.now());
    const result = await this.dataSource.query(`UPDATE camera SET retired_on = COALESCE(retired_on, $2) WHERE code = $1 RETURNING id`, [code, today]);
    if (result[0].length === 0) throw new NotFoundException(`no camera with code ${code}`);
    this.changed();
    return this.get(code, access);
  }

  private changed(): void {
    this.events.emit('inventory.changed', { at: this.clock.now(), what: 'camera' });
  }

  private async row(code: string, manager = this.dataSource.manager): Promise<CameraRow> {
    const rows: CameraRow[] = await manager.query(`SELECT ${CAMERA_ROW_SQL} WHERE c.code = $1`, [code]);
    if (rows.length === 0) throw new NotFoundException(`no camera with code ${code}`);
    return rows[0];
  }
}

/** What a caller may see of the cameras: private ones at all, and owners' contacts. */
export interface CameraAccess {
  seesPrivate: boolean;
  seesOwners: boolean;
}

function visible(row: CameraRow, access: CameraAccess): CameraRow {
  if (row.ownership !== 'station' && !access.seesPrivate) throw new NotFoundException(`no camera with code ${row.code}`);
  return row;
}

function privateWriteRefused(code: string): ForbiddenException {
  return new ForbiddenException(
    `camera ${code}: private cameras (citizen, business, household) are registered by an admin (POST /api/import or an admin token)`,
  );
}

/** The stored camera as input fields; nulls mean "not set" for optional fields. */
function inputOf(row: CameraRow): Partial<CameraInputDto> {
  const stored = row as unknown as Record<string, unknown>;
  return Object.fromEntries(CAMERA_FIELDS.filter((f) => stored[f] !== undefined && stored[f] !== null).map((f) => [f, stored[f]])) as Partial<CameraInputDto>;
}

/** One camera's errors, without the batch's row numbers. */
function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw badRequest(errors.map(({ field, reason }) => ({ field, reason })));
}
