/**
 * Arbitraries and checks shared by the fuzz tests of Ferry's list files (device lists, target users):
 * CSV-shaped text as spreadsheets, editors and careless hands write it, JSON of any shape, and the
 * properties every parse result must have whatever the input.
 */
import fc from 'fast-check';
import { countLines } from '../../src/client/csv-records';
import type { DeviceListIssue } from '../../src/client/list-file';

/** Line ends as editors write them, mixed within one file. */
const lineEnd = fc.constantFrom('\r\n', '\n', '\r');

const snakeToCamel = (column: string) => column.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** A known column as an admin may spell it: any case, spaces or hyphens for underscores, camelCase. */
export const columnSpelling = (column: string) =>
  fc.oneof(
    fc.constantFrom(
      column,
      column.toUpperCase(),
      column.replace(/_/g, ' '),
      column.replace(/_/g, '-'),
      snakeToCamel(column),
      `  ${column} `,
    ),
    fc.mixedCase(fc.constant(column)),
  );

/** Characters that break naive CSV readers, terminals and validators. */
const NASTY = [',', '"', "'", '\r', '\n', '\0', '\uFEFF', ' ', '\t', '\x1b', '\u202E', '\u2028', '\uD800'];
const nastyUnit = fc.oneof(
  fc.constantFrom(...NASTY, '=', '+', '-', '@'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const nastyText = fc.string({ unit: nastyUnit, maxLength: 24 });

/**
 * A field far longer than any column holds (built, not drawn, so that it costs nothing to shrink). Kept
 * under 20,000 characters: a raw field of line breaks is as many blank records, and csv-parse spends
 * about 35 µs on each record whose width differs from the first one's.
 */
const hugeText = fc
  .record({
    char: fc.constantFrom('a', '7', '"', ',', '\n', 'é', '@'),
    length: fc.integer({ min: 1_000, max: 20_000 }),
  })
  .map(({ char, length }) => char.repeat(length));

/** A cell's value: mostly plausible (`valid`), else hostile, binary or huge. */
export const cellValue = (valid: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: valid, weight: 6 },
    { arbitrary: nastyText, weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }), weight: 1 },
    { arbitrary: hugeText, weight: 1 },
  );

const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** A value as it lands in the file: raw, quoted as RFC 4180 says, or quoted wrong. */
const cellText = (value: fc.Arbitrary<string>) =>
  fc.tuple(value, fc.nat(9)).map(
    ([v, how]) =>
      how < 5
        ? v
        : how < 8
          ? quoted(v)
          : how === 8
            ? `"${v}` // a quote never closed
            : ` ${quoted(v)}x`, // text after the closing quote
  );

export interface CsvShape {
  columns: readonly string[];
  /** Plausible values for the cells of data rows, whatever their column. */
  values: fc.Arbitrary<string>;
}

/** A whole CSV file: optional BOM, a header of known and unknown names, rows of any width, any line ends. */
export function csvFile({ columns, values }: CsvShape): fc.Arbitrary<string> {
  const headerName = fc.oneof(
    { arbitrary: fc.constantFrom(...columns).chain(columnSpelling), weight: 8 },
    { arbitrary: cellValue(fc.constant('')), weight: 2 },
  );
  const header = fc.oneof(
    fc
      .shuffledSubarray([...columns])
      .chain((known) =>
        fc
          .tuple(...known.map(columnSpelling), fc.array(headerName, { maxLength: 2 }))
          .map((names) => names.flat()),
      ),
    fc.array(headerName, { maxLength: 12 }),
  );
  const row = fc.tuple(fc.array(cellText(cellValue(values)), { maxLength: columns.length + 2 }), lineEnd);
  return fc
    .record({
      bom: fc.boolean(),
      header: header.chain((names) => fc.tuple(...names.map((n) => cellText(fc.constant(n))))),
      headerEnd: lineEnd,
      rows: fc.array(row, { maxLength: 25 }),
      trailing: fc.option(lineEnd),
    })
    .map(
      ({ bom, header, headerEnd, rows, trailing }) =>
        (bom ? '\uFEFF' : '') +
        header.join(',') +
        headerEnd +
        rows.map(([cells, end]) => cells.join(',') + end).join('') +
        (trailing ?? ''),
    );
}

/** Any JSON, and arrays of objects whose keys are mostly the file's columns and whose values any JSON. */
export function jsonFile(columns: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...columns).chain(columnSpelling), fc.string({ maxLength: 8 }));
  const item = fc.oneof(
    {
      arbitrary: fc.dictionary(key, fc.oneof(fc.jsonValue({ maxDepth: 2 }), nastyText, hugeText), {
        maxKeys: 10,
      }),
      weight: 5,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
  );
  return fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.array(item, { maxLength: 20 }).map((items) => JSON.stringify(items)),
    // Cut short, as an interrupted copy leaves it.
    fc
      .tuple(fc.array(item, { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([items, at]) => {
        const text = JSON.stringify(items);
        return text.slice(0, Math.floor(text.length * at));
      }),
  );
}

/** Any text at all: random code points, and CSV or JSON with a stray character. */
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...NASTY, 'a', '[', '{', ']', '}', ':'), maxLength: 100 }),
);

const CONTROL = /\p{Cc}/u;
/** What a message may be at most: it names a value (cut at 40 characters), never reprints a huge one. */
const MESSAGE_MAX = 300;

/**
 * The properties of every issue a list file yields: a whole-number line within the file (0 for the file
 * as a whole), a short message in words without control characters (they would reach a terminal raw),
 * and a field that is a column's name, if any.
 */
export function expectWellFormedIssues(issues: DeviceListIssue[], text: string): void {
  const lines = countLines(text) + 1;
  for (const issue of issues) {
    expect(Number.isInteger(issue.line) && issue.line >= 0).toBe(true);
    if ((issue.unit ?? 'line') === 'line') expect(issue.line).toBeLessThanOrEqual(lines);
    expect(issue.unit === undefined || issue.unit === 'line' || issue.unit === 'item').toBe(true);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.trim()).not.toBe('');
    expect(issue.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
    expect(issue.message).not.toMatch(CONTROL);
    if (issue.field !== undefined) {
      expect(typeof issue.field).toBe('string');
      expect(issue.field).not.toMatch(CONTROL);
      expect(issue.field.length).toBeLessThanOrEqual(MESSAGE_MAX);
    }
  }
}
