import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { haversineM } from '../geo/geo.math';
import { PolygonIndex, type PolygonGeometry } from '../geo';

/**
 * Finds the July-2025 commune of a point from the 2025 boundaries stored in
 * admin_unit, and tells whether a 2019 commune code exists. Loaded once: the
 * administrative units change only with a new seed.
 */
@Injectable()
export class CommuneLocator {
  private loaded: Promise<{
    index: PolygonIndex | null;
    communes2019: Set<string>;
    districts: PolygonIndex | null;
    points2019: { code: string; district: string | null; lat: number; lon: number }[];
  }> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  // Callers inside a transaction pass its manager: with a pool of one connection
  // (PGlite), a query on another connection would wait for the transaction forever.
  async commune2025(lat: number, lon: number, manager?: EntityManager): Promise<string | null> {
    const { index } = await this.load(manager);
    return index ? index.locate([lon, lat]) : null;
  }

  /**
   * The 2019 commune of a point. The 2019 communes have no published boundaries, so:
   * the district whose boundary holds the point, then the nearest of that district's
   * commune points (the nearest commune point of all when no district holds it).
   */
  async commune2019(lat: number, lon: number, manager?: EntityManager): Promise<string | null> {
    const { districts, points2019 } = await this.load(manager);
    const district = districts ? districts.locate([lon, lat]) : null;
    const candidates = points2019.filter((p) => district === null || p.district === district);
    let best: string | null = null;
    let bestM = Infinity;
    for (const p of candidates.length ? candidates : points2019) {
      const m = haversineM(lat, lon, p.lat, p.lon);
      if (m < bestM) [best, bestM] = [p.code, m];
    }
    return best;
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
      const rows: { code: string; layout: string; boundary: PolygonGeometry | null; parent_code: string | null; lat: number | null; lon: number | null }[] =
        await manager.query(
          `SELECT code, layout, CASE WHEN layout = '2025-07' THEN boundary END AS boundary, parent_code, lat, lon FROM admin_unit WHERE level = 'commune'`,
        );
      const districtRows: { code: string; boundary: PolygonGeometry | null }[] = await manager.query(
        `SELECT code, boundary FROM admin_unit WHERE layout = '2019' AND level = 'district' AND boundary IS NOT NULL`,
      );
      const districtPolygons = districtRows
        .filter((r) => r.boundary?.type === 'Polygon' || r.boundary?.type === 'MultiPolygon')
        .map((r) => ({ key: r.code, geometry: r.boundary! }));
      const polygons = rows.filter((r) => r.layout === '2025-07' && r.boundary?.type === 'Polygon').map((r) => ({ key: r.code, geometry: r.boundary! }));
      return {
        index: polygons.length ? new PolygonIndex(polygons) : null,
        communes2019: new Set(rows.filter((r) => r.layout === '2019').map((r) => r.code)),
        districts: districtPolygons.length ? new PolygonIndex(districtPolygons) : null,
        points2019: rows
          .filter((r) => r.layout === '2019' && r.lat !== null && r.lon !== null)
          .map((r) => ({ code: r.code, district: r.parent_code, lat: r.lat!, lon: r.lon! })),
      };
    } catch (err) {
      // A failed load (database down) must not stick.
      this.loaded = null;
      throw err;
    }
  }
}
