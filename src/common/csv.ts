/**
 * The one CSV writer every camnet CSV goes through (inventory exports, the
 * incident case file, and any CSV added later): RFC 4180 quoting, and cells a
 * spreadsheet would run as a formula neutralised (OWASP "CSV injection").
 */

/** What a spreadsheet takes as the start of a formula: = + - @, tab and carriage return. */
const NEUTRALISED = /^'*[=+\-@\t\r]/;

/**
 * A text cell that would start a formula gets a leading apostrophe, which
 * spreadsheets show as text. Numbers and booleans are written as they are, so a
 * negative number stays a number. `readCsvText` takes the apostrophe off again,
 * so an export re-imports unchanged.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s: string;
  if (value instanceof Date) s = value.toISOString();
  // A figure that could not be computed (NaN, ±Infinity) is an empty cell, not a word a spreadsheet cannot sum.
  else if (typeof value === 'number') s = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean' || typeof value === 'bigint') s = String(value);
  else {
    s = String(value);
    // Apostrophes already before a formula start are escaped the same way, so reading back is exact.
    if (NEUTRALISED.test(s)) s = `'${s}`;
  }
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** A whole CSV document: the header, then one line per row in the header's order. */
export function toCsv<T extends Record<string, unknown>>(header: readonly string[], rows: T[]): string {
  return csvLine([...header]) + rows.map((r) => csvLine(header.map((h) => r[h]))).join('');
}

/** The inverse of csvField's neutralisation, for a cell read back from a camnet CSV (the import). */
export function readCsvText(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
