/**
 * Reads the Long An reference data shipped in src/seed/data (see data/SOURCES.md).
 * The files are read from disk rather than bundled by tsc because .geojson and .csv
 * are not emitted into dist/: the folder is found next to this module (src/ under
 * Jest) or, from the compiled dist/src/seed, under the project root (the nearest
 * folder with a package.json). A deployment therefore ships src/seed/data with dist/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LonLat, PolygonGeometry } from '../geo';

export type { LonLat, PolygonGeometry };

export interface RawCommune2019 {
  code: string;
  name: string;
  name_short: string;
  type: string;
  type_en: string;
  district_code: string;
  district_name: string;
  lat: number;
  lon: number;
  coord_shared_with: string[];
  successors_2025_07: { code: string; name: string; kind: 'full' | 'partial'; nq1682_clause: number }[];
  [key: string]: unknown;
}

export interface RawDistrict {
  code: string;
  name: string;
  name_short: string;
  type: string;
  lat: number;
  lon: number;
  geometry: PolygonGeometry;
  [key: string]: unknown;
}

export interface RawCommune2025 {
  type: 'Feature';
  properties: {
    code: string;
    name: string;
    name_short: string;
    type: string;
    label_lat: number;
    label_lon: number;
    bando_population: number | null;
    bando_area_km2: number | null;
    [key: string]: unknown;
  };
  geometry: PolygonGeometry;
}

export interface RawRoute {
  type: 'Feature';
  properties: { ref: string; name: string; kind: string; [key: string]: unknown };
  geometry: { type: 'LineString'; coordinates: LonLat[] };
}

export interface LongAnData {
  communes2019: RawCommune2019[];
  districts: RawDistrict[];
  communes2025: RawCommune2025[];
  routes: RawRoute[];
  outline: { type: 'Feature'; properties: { name: string; code: string }; geometry: PolygonGeometry };
}

const FILES = ['communes.json', 'districts.json', 'communes_2025-07.geojson', 'routes.geojson', 'province_outline_pre2025.geojson'];

/** The folder holding the seed data files, from src/ or from dist/. */
export function seedDataDir(from: string = __dirname): string {
  const beside = path.join(from, 'data');
  if (FILES.every((f) => fs.existsSync(path.join(beside, f)))) return beside;
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const inRoot = path.join(dir, 'src', 'seed', 'data');
      if (FILES.every((f) => fs.existsSync(path.join(inRoot, f)))) return inRoot;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`the Long An seed data was not found beside ${from} nor in <project root>/src/seed/data: ship src/seed/data with the build`);
}

let cached: LongAnData | null = null;

/** The reference data, read once per process (it never changes at run time). */
export function loadLongAnData(): LongAnData {
  if (cached) return cached;
  const dir = seedDataDir();
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const outline = read('province_outline_pre2025.geojson');
  cached = {
    communes2019: read('communes.json'),
    districts: read('districts.json'),
    communes2025: read('communes_2025-07.geojson').features,
    routes: read('routes.geojson').features,
    outline: outline.features[0],
  };
  return cached;
}
