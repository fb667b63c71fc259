/** Seed files in CSV (RFC 4180 with a UTF-8 BOM, CRLF or LF, ragged rows); blank rows are skipped. */
import { parse } from 'csv-parse/sync';

export function parseCsv(text: string): string[][] {
  return parse(text, {
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  });
}

/** Rows as objects keyed by the header (lower-cased, trimmed); values trimmed. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const keys = header.map((h) => h.trim().toLowerCase());
  return rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, (row[i] ?? '').trim()])));
}
