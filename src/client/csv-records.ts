import { CsvError, parse } from 'csv-parse/sync';
import { restoreCell } from '../services/shared/csv';

/**
 * CSV records with the physical line each starts on (header = 1), as list files need them to name the
 * line of a bad row. csv-parse reads; the lines are counted here.
 */

const NEWLINE = /\r\n|\r|\n/g;
export const countLines = (text: string) => text.match(NEWLINE)?.length ?? 0;

/** What makes a file unreadable as CSV, on the line where it starts. */
export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * Reads the text as RFC 4180, lenient where it is harmless: spaces around a quoted value, rows of
 * differing lengths (reported by the caller), a quote inside an unquoted value. Blank lines stay in as
 * records, so that lines can be counted.
 */
function parseCsv(text: string): string[][] {
  return parse(text, {
    ltrim: true,
    rtrim: true,
    relax_quotes: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
}

/** Where csv-parse stopped, as a physical line: its own line count reads CRLF as two. */
function lineAtError(text: string, err: CsvError): number {
  return 1 + countLines(Buffer.from(text).subarray(0, Number(err.bytes)).toString());
}

/** Line breaks can only be inside quoted cells; most cells have none, and are not searched. */
const lineBreaksIn = (cells: string[]) =>
  cells.reduce((n, cell) => (/[\r\n]/.test(cell) ? n + countLines(cell) : n), 0);

/**
 * The file's records, each with the physical line it starts on (line breaks inside quotes count), blank
 * records left out. A quote never closed runs to the end of the file and is reported on its record's line.
 */
export function readCsvRecords(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  let parsed: string[][];
  let unclosed = false;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (err.code !== 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse's message may quote the row (an email, say): say what is wrong in our words. Text after
      // a closing quote (`"ab"cd`) is ambiguous, so the file is refused rather than guessed at.
      const message =
        err.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
          ? 'text follows a closing quote; quote the whole value'
          : `not readable as CSV (${err.code})`;
      problems.push({ line: lineAtError(text, err), message });
      return { records: [], problems };
    }
    parsed = parseCsv(`${text}"`);
    unclosed = true;
  }
  const records: CsvRecord[] = [];
  let line = 1;
  let start = 1;
  for (const cells of parsed) {
    start = line;
    line += 1 + lineBreaksIn(cells);
    // A cell Ferry neutralised for spreadsheets (`'=1`, src/services/shared/csv.ts) reads as it was
    // before (`=1`), so that Ferry's own exports read back. Here rather than as csv-parse's `cast`,
    // which makes a 100,000-row list five times slower.
    if (cells.some((cell) => cell.trim() !== ''))
      records.push({ line: start, cells: cells.map(restoreCell) });
  }
  if (unclosed) problems.push({ line: start, message: 'a quoted field is never closed' });
  return { records, problems };
}
