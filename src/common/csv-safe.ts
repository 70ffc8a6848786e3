/**
 * CSV for people who open it in a spreadsheet: a UTF-8 byte-order mark so Excel reads
 * Vietnamese names right, RFC 4180 quoting, and text cells that a spreadsheet would
 * take for a formula (=, +, -, @, tab, carriage return first) prefixed with ' so
 * that a camera name or a note can never run as a formula (CSV injection).
 */
export const UTF8_BOM = '\uFEFF';

export function spreadsheetCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole document: BOM, header, then one line per row in the header's order. */
export function spreadsheetCsv(header: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const line = (values: unknown[]) => values.map(spreadsheetCell).join(',') + '\r\n';
  return UTF8_BOM + line([...header]) + rows.map((r) => line(header.map((h) => r[h]))).join('');
}
