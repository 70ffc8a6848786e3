import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
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

  /** view=map answers a CameraMapPage (no owner contacts, whoever asks); any other view a Page of full cameras. */
  async list(q: CameraQueryDto, showOwner: boolean): Promise<Page<CameraView> | CameraMapPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (!q.retired) where.push('c.retired_on IS NULL');
    if (q.commune) where.push(`c.commune_code = ${p(q.commune)}`);
    if (q.district) where.push(`c.commune_code IN (SELECT code FROM admin_unit WHERE layout = '2019' AND level = 'commune' AND parent_code = ${p(q.district)})`);
    if (q.station) where.push(`s.code = ${p(q.station)}`);
    if (q.ownership?.length) where.push(`c.ownership = ANY(${p(q.ownership)})`);
    if (q.status?.length) where.push(`COALESCE(cs.status, 'unknown') = ANY(${p(q.status)})`);
    if (q.bbox) {
      const [minLon, minLat, maxLon, maxLat] = q.bbox.split(',').map(Number);
      if (minLon > maxLon || minLat > maxLat) throw new BadRequestException('bbox must be minLon,minLat,maxLon,maxLat with min ≤ max');
      where.push(`c.lon BETWEEN ${p(minLon)} AND ${p(maxLon)} AND c.lat BETWEEN ${p(minLat)} AND ${p(maxLat)}`);
    }
    if (q.cursor) where.push(`c.id > ${p(decodeCursor(q.cursor))}`);
    const limit = q.limit ?? 100;
    const sql = (select: string) => `SELECT ${select} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY c.id LIMIT ${p(limit + 1)}`;
    if (q.view === 'map') {
      const rows: CameraMapRow[] = await this.dataSource.query(sql(CAMERA_MAP_ROW_SQL), params);
      const page = pageOf(rows, limit, toCameraMapRow);
      return { columns: CAMERA_MAP_COLUMNS, rows: page.items, next_cursor: page.next_cursor };
    }
    const rows: CameraRow[] = await this.dataSource.query(sql(CAMERA_ROW_SQL), params);
    return pageOf(rows, limit, (r) => toCameraView(r, showOwner));
  }

  async get(code: string, showOwner: boolean): Promise<CameraView> {
    return toCameraView(await this.row(code), showOwner);
  }

  async create(dto: CameraInputDto, showOwner: boolean): Promise<CameraView> {
    await this.dataSource.transaction(async (m) => {
      throwIfErrors(await this.writer.check(m, [dto], 'create'));
      await this.writer.write(m, [dto]);
    });
    this.changed();
    return this.get(dto.code, showOwner);
  }

  async update(code: string, patch: UpdateCameraDto, showOwner: boolean): Promise<CameraView> {
    await this.dataSource.transaction(async (m) => {
      const current = await this.row(code, m);
      // The merged camera must satisfy every rule a new one does (ownership ⇔ station, ranges).
      const merged = plainToInstance(CameraInputDto, { ...inputOf(current), ...patch, code });
      const invalid = flattenValidationErrors(validateSync(merged, { whitelist: true }));
      throwIfErrors(invalid);
      throwIfErrors(await this.writer.check(m, [merged], 'update'));
      await this.writer.write(m, [merged]);
    });
    this.changed();
    return this.get(code, showOwner);
  }

  /** Retiring keeps the camera and its history; it leaves coverage and monitoring. */
  async retire(code: string, showOwner: boolean): Promise<CameraView> {
    const today = localDay(this.clock.now());
    const result = await this.dataSource.query(`UPDATE camera SET retired_on = COALESCE(retired_on, $2) WHERE code = $1 RETURNING id`, [code, today]);
    if (result[0].length === 0) throw new NotFoundException(`no camera with code ${code}`);
    this.changed();
    return this.get(code, showOwner);
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

/** The stored camera as input fields; nulls mean "not set" for optional fields. */
function inputOf(row: CameraRow): Partial<CameraInputDto> {
  const stored = row as unknown as Record<string, unknown>;
  return Object.fromEntries(CAMERA_FIELDS.filter((f) => stored[f] !== undefined && stored[f] !== null).map((f) => [f, stored[f]])) as Partial<CameraInputDto>;
}

/** One camera's errors, without the batch's row numbers. */
function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw badRequest(errors.map(({ field, reason }) => ({ field, reason })));
}
