/** RFC 4180 quoting for the CSV files camnet writes (exports, case files). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** A whole CSV document: the header, then one line per row in the header's order. */
export function toCsv<T extends Record<string, unknown>>(header: readonly string[], rows: T[]): string {
  return csvLine([...header]) + rows.map((r) => csvLine(header.map((h) => r[h]))).join('');
}
