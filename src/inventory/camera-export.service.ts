import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CAMERA_ROW_SQL, CameraRow, toCameraView } from './camera.view';
import { CAMERA_FIELDS } from './inventory.dto';
import { EXPORT_ONLY_FIELDS } from './camera-import.parser';
import { toCsv } from './csv';

/** Export columns: the import's fields (without the password) and the read-only ones; re-importable as is. */
export const EXPORT_FIELDS = [...CAMERA_FIELDS.filter((f) => f !== 'onvif_password'), ...EXPORT_ONLY_FIELDS.filter((f) => f !== 'retired_on')];
/** A GeoJSON feature's properties: the position is its geometry. */
const PROPERTY_FIELDS = EXPORT_FIELDS.filter((f) => f !== 'lat' && f !== 'lon');

/** Every camera in service, as CSV or GeoJSON; never a secret, owners' contacts only when allowed. */
@Injectable()
export class CameraExportService {
  constructor(private readonly dataSource: DataSource) {}

  async csv(showOwner: boolean): Promise<string> {
    return toCsv(EXPORT_FIELDS, await this.views(showOwner));
  }

  async geojson(showOwner: boolean) {
    return {
      type: 'FeatureCollection',
      features: (await this.views(showOwner)).map((v) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
        properties: Object.fromEntries(PROPERTY_FIELDS.map((f) => [f, v[f as keyof typeof v] ?? null])),
      })),
    };
  }

  private async views(showOwner: boolean) {
    const rows: CameraRow[] = await this.dataSource.query(`SELECT ${CAMERA_ROW_SQL} WHERE c.retired_on IS NULL ORDER BY c.id`);
    return rows.map((r) => toCameraView(r, showOwner) as unknown as Record<string, unknown> & { lat: number; lon: number });
  }
}
