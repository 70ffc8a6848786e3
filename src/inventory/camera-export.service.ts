import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthContext, cameraAccess } from '../auth/auth-context';
import { toCsv } from '../common/csv';
import { CAMERA_ROW_SQL, CameraRow, toCameraView } from './camera.view';
import { areaConditions, hasArea, SqlParams, visibilityCondition, whereClause } from './camera.filter';
import { CAMERA_FIELDS, ExportQueryDto } from './inventory.dto';
import { EXPORT_ONLY_FIELDS } from './camera-import.parser';

/** Export columns: the import's fields (without the password) and the read-only ones; re-importable as is. */
export const EXPORT_FIELDS = [...CAMERA_FIELDS.filter((f) => f !== 'onvif_password'), ...EXPORT_ONLY_FIELDS.filter((f) => f !== 'retired_on')];
/** A GeoJSON feature's properties: the position is its geometry. */
const PROPERTY_FIELDS = EXPORT_FIELDS.filter((f) => f !== 'lat' && f !== 'lon');

/**
 * Cameras in service, as CSV or GeoJSON; never a secret. Admin: every camera.
 * Police: a named case and an area, private cameras and owners included.
 * Technician and planner: station cameras only.
 */
@Injectable()
export class CameraExportService {
  constructor(private readonly dataSource: DataSource) {}

  async csv(q: ExportQueryDto, auth: AuthContext | undefined): Promise<string> {
    return toCsv(EXPORT_FIELDS, await this.views(q, auth));
  }

  async geojson(q: ExportQueryDto, auth: AuthContext | undefined) {
    return {
      type: 'FeatureCollection',
      features: (await this.views(q, auth)).map((v) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
        properties: Object.fromEntries(PROPERTY_FIELDS.map((f) => [f, v[f as keyof typeof v] ?? null])),
      })),
    };
  }

  private async views(q: ExportQueryDto, auth: AuthContext | undefined) {
    if (auth?.role === 'police') {
      if (!q.case_ref?.trim()) throw new BadRequestException('case_ref is required for a police export: give the case reference (e.g. case_ref=VV-2025-0142)');
      if (!hasArea(q))
        throw new BadRequestException(
          'a police export is limited to an area: give bbox=minLon,minLat,maxLon,maxLat, commune=<5 digits> or district=<3 digits>',
        );
    }
    const access = cameraAccess(auth);
    const p = new SqlParams();
    const where = ['c.retired_on IS NULL', ...visibilityCondition(access.seesPrivate), ...areaConditions(q, p)];
    const rows: CameraRow[] = await this.dataSource.query(`SELECT ${CAMERA_ROW_SQL} ${whereClause(where)} ORDER BY c.id`, p.values);
    return rows.map((r) => toCameraView(r, access.seesOwners) as unknown as Record<string, unknown> & { lat: number; lon: number });
  }
}
