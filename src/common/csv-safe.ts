/**
 * CSV for people who open it in a spreadsheet: a UTF-8 byte-order mark so Excel reads
 * Vietnamese names right, then the one CSV writer of src/common/csv.ts (RFC 4180
 * quoting, formula starts neutralised).
 */
import { csvField, toCsv } from './csv';

export const UTF8_BOM = '\uFEFF';

/** One cell, as every camnet CSV writes it. */
export const spreadsheetCell = csvField;

/** A whole document: BOM, header, then one line per row in the header's order. */
export function spreadsheetCsv(header: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return UTF8_BOM + toCsv(header, [...rows]);
}
