import { stringify } from 'csv-stringify/sync';

/**
 * Spreadsheet-safe CSV. A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and
 * one that starts with a tab, CR or LF can hide such a cell behind blank space; a device's name or a
 * target user's name is text anyone can set, and admins open Ferry's reports in a spreadsheet. So, as
 * OWASP's "CSV Injection" page advises (https://owasp.org/www-community/attacks/CSV_Injection: prepend a
 * single quote to a cell starting with `=`, `+`, `-`, `@`, tab 0x09, CR 0x0D or LF 0x0A; quote cells and
 * double embedded quotes, which csv-stringify does), a text cell starting with one of them is written
 * with a leading `'`, which a spreadsheet shows as text and hides. Numbers Ferry counts (tokens issued,
 * devices per status) are not user data and stay numbers: `-1` as a number is written as is.
 *
 * Ferry's own readers undo it (restoreCell), so an exported list goes back through `ferry validate` and
 * `ferry start` unchanged. To keep that exact, a text cell whose quotes are followed by a formula
 * character (`'=1`, `''-2`) also gets one more quote: writing adds one quote to every cell matching
 * FORMULA_LIKE, reading removes one from every cell matching it with at least one quote.
 */
const FORMULA_LIKE = /^'*[=+\-@\t\r\n]/;

/** The cell as Ferry writes it: a leading `'` when a spreadsheet could read it as a formula. */
export function neutraliseCell(value: string): string {
  return FORMULA_LIKE.test(value) ? `'${value}` : value;
}

/** The cell as it was before neutraliseCell: exactly one leading `'` removed, only where one was added. */
export function restoreCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_LIKE.test(cell) ? cell.slice(1) : cell;
}

export type CsvCell = string | number | undefined;

/**
 * A CSV file as RFC 4180 writes it: CRLF line ends, fields with quotes, commas or line breaks quoted,
 * every text cell neutralised (neutraliseCell). Every CSV Ferry writes goes through here.
 */
export function csvText(header: readonly string[], rows: readonly CsvCell[][]): string {
  const safe = (cell: CsvCell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell);
  // Setting the record delimiter turns off quoting of a lone CR or LF: ask for it back.
  return stringify([header.map(safe), ...rows.map((row) => row.map(safe))], {
    record_delimiter: 'windows',
    quote_record_delimiter: true,
  });
}
