import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PolygonIndex, type PolygonGeometry } from '../geo';

/**
 * Finds the July-2025 commune of a point from the 2025 boundaries stored in
 * admin_unit, and tells whether a 2019 commune code exists. Loaded once: the
 * administrative units change only with a new seed.
 */
@Injectable()
export class CommuneLocator {
  private loaded: Promise<{ index: PolygonIndex | null; communes2019: Set<string> }> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  // Callers inside a transaction pass its manager: with a pool of one connection
  // (PGlite), a query on another connection would wait for the transaction forever.
  async commune2025(lat: number, lon: number, manager?: EntityManager): Promise<string | null> {
    const { index } = await this.load(manager);
    return index ? index.locate([lon, lat]) : null;
  }

  async communeExists(code: string, manager?: EntityManager): Promise<boolean> {
    return (await this.load(manager)).communes2019.has(code);
  }

  private load(manager: EntityManager = this.dataSource.manager) {
    this.loaded ??= this.read(manager);
    return this.loaded;
  }

  private async read(manager: EntityManager) {
    try {
      const rows: { code: string; layout: string; boundary: PolygonGeometry | null }[] = await manager.query(
        `SELECT code, layout, CASE WHEN layout = '2025-07' THEN boundary END AS boundary FROM admin_unit WHERE level = 'commune'`,
      );
      const polygons = rows
        .filter((r) => r.layout === '2025-07' && r.boundary?.type === 'Polygon')
        .map((r) => ({ key: r.code, geometry: r.boundary! }));
      return {
        index: polygons.length ? new PolygonIndex(polygons) : null,
        communes2019: new Set(rows.filter((r) => r.layout === '2019').map((r) => r.code)),
      };
    } catch (err) {
      // A failed load (database down) must not stick.
      this.loaded = null;
      throw err;
    }
  }
}
