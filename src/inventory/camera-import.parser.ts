/**
 * Turns an uploaded CSV or GeoJSON file into camera input rows, or into a list
 * of every problem found (row, field, reason). Parsing only: no database here.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { readCsvText } from '../common/csv';
import { flattenValidationErrors } from '../http-defaults';
import { CAMERA_FIELDS, CameraInputDto } from './inventory.dto';
import type { RowError } from './camera.writer';

/** Columns an export carries that an import reads past: they are the service's to set. */
export const EXPORT_ONLY_FIELDS = ['commune_code_2025', 'firmware', 'serial', 'retired_on', 'status', 'has_onvif_password'] as const;
const REQUIRED = ['code', 'ownership', 'commune_code', 'lat', 'lon', 'heading_deg', 'fov_deg', 'range_m'];
const NUMERIC = new Set(['lat', 'lon', 'heading_deg', 'fov_deg', 'range_m']);

export interface ParsedImport {
  format: 'csv' | 'geojson';
  rows: CameraInputDto[];
  errors: RowError[];
}

export class ImportFileError extends Error {}

export function parseCameraImport(content: Buffer, filename: string): ParsedImport {
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  const looksJson = /\.(geo)?json$/i.test(filename) || /^\s*\{/.test(text);
  const records = looksJson ? geojsonRecords(text) : csvRecords(text);
  const rows: CameraInputDto[] = [];
  const errors: RowError[] = [];
  records.forEach((record, i) => {
    const dto = plainToInstance(CameraInputDto, record);
    const problems = flattenValidationErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
    for (const p of problems) errors.push({ row: i + 1, ...p });
    rows.push(dto);
  });
  return { format: looksJson ? 'geojson' : 'csv', rows, errors };
}

function csvRecords(text: string): Record<string, unknown>[] {
  let table: string[][];
  try {
    table = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    throw new ImportFileError(`the file is not valid CSV: ${(err as Error).message}`);
  }
  if (table.length === 0) throw new ImportFileError('the file is empty: expected a header line and rows');
  const header = table[0];
  checkFields(header, 'column');
  // Text that camnet's own export neutralised (a leading apostrophe before =, +, -, @) reads back as it was.
  return table.slice(1).map((cells) => typed(Object.fromEntries(header.map((h, i) => [h, cells[i] === undefined ? undefined : readCsvText(cells[i])]))));
}

function geojsonRecords(text: string): Record<string, unknown>[] {
  let doc: { type?: string; features?: unknown[] };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ImportFileError(`the file is not valid JSON: ${(err as Error).message}`);
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw new ImportFileError('a GeoJSON import must be a FeatureCollection of Point features');
  }
  const keys = new Set<string>();
  const records = doc.features.map((f, i) => {
    const feature = f as { geometry?: { type?: string; coordinates?: unknown[] }; properties?: Record<string, unknown> };
    const props = { ...(feature?.properties ?? {}) };
    Object.keys(props).forEach((k) => keys.add(k));
    const coords = feature?.geometry?.coordinates;
    if (feature?.geometry?.type !== 'Point' || !Array.isArray(coords) || coords.length < 2) {
      throw new ImportFileError(`feature ${i + 1} must have a Point geometry with [lon, lat] coordinates`);
    }
    // The geometry is the position; lat/lon properties, when present, are ignored.
    return typed({ ...props, lon: coords[0], lat: coords[1] });
  });
  checkFields(
    [...keys].filter((k) => k !== 'lat' && k !== 'lon'),
    'property',
    false,
  );
  return records;
}

function checkFields(fields: string[], what: string, requireAll = true): void {
  const known = new Set<string>([...CAMERA_FIELDS, ...EXPORT_ONLY_FIELDS]);
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length) {
    throw new ImportFileError(`unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; expected: ${CAMERA_FIELDS.join(', ')}`);
  }
  const dup = fields.filter((f, i) => fields.indexOf(f) !== i);
  if (dup.length) throw new ImportFileError(`${what} ${dup.join(', ')} appears twice`);
  const missing = requireAll ? REQUIRED.filter((f) => !fields.includes(f)) : [];
  if (missing.length) throw new ImportFileError(`missing ${what}${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
}

/** CSV cells are text: numbers and booleans are converted; text that is not one stays text so the error shows it. */
function typed(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(record)) {
    if ((EXPORT_ONLY_FIELDS as readonly string[]).includes(k)) continue;
    if (raw === '' || raw === null || raw === undefined) continue;
    if (NUMERIC.has(k) && typeof raw === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw.trim())) out[k] = Number(raw);
    else if (k === 'ptz' && typeof raw === 'string' && /^(true|false|1|0)$/i.test(raw)) out[k] = /^(true|1)$/i.test(raw);
    else if ((k === 'commune_code' || k === 'owner_phone') && typeof raw === 'number') out[k] = String(raw);
    else out[k] = raw;
  }
  return out;
}
