import { stringify } from 'csv-stringify/sync';

/** A CSV file as RFC 4180 writes it: CRLF line ends, fields with quotes, commas or line breaks quoted. */
export function csvText(header: readonly string[], rows: readonly (string | number | undefined)[][]): string {
  // Setting the record delimiter turns off quoting of a lone CR or LF: ask for it back.
  return stringify([header, ...rows], { record_delimiter: 'windows', quote_record_delimiter: true });
}
