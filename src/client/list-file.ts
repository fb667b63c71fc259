import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { countLines, readCsvRecords } from './csv-records';

/**
 * The generic half of Ferry's list files (device lists, target users): CSV with a header row or a JSON
 * array of objects, read into rows that keep their line (CSV) or item (JSON) number, and issues that
 * name the line and the field. A message may quote the bad value of the bad field, never a whole row.
 */

/** `line` is the physical line where a CSV record starts (header = 1), or a JSON item's 1-based index. */
export interface DeviceListIssue {
  line: number;
  /** How `line` counts; absent means a physical line. 0 means the file as a whole. */
  unit?: 'line' | 'item';
  field?: string;
  message: string;
}

/** `devices.csv line 7, user_email: "jane@" is not an email address` */
export function formatIssue(issue: DeviceListIssue, fileName = 'file'): string {
  const where = issue.line > 0 ? ` ${issue.unit ?? 'line'} ${issue.line}` : '';
  return `${fileName}${where}${issue.field ? `, ${issue.field}` : ''}: ${issue.message}`;
}

export interface TableRow {
  line: number;
  /** Known columns only: text trimmed, empty cells left out; a JSON value that is not text stays as is. */
  values: Record<string, unknown>;
  /** Set once an issue is reported for the row: it yields no record. */
  bad?: boolean;
}

export interface Table {
  unit: 'line' | 'item';
  rows: TableRow[];
  missingColumns: string[];
  errors: DeviceListIssue[];
  warnings: DeviceListIssue[];
}

export interface ColumnSpec {
  required: readonly string[];
  optional: readonly string[];
}

/** Names columns loosely: `Serial Number`, `SERIAL-NUMBER` and `serialNumber` all name `serial_number`. */
function columnNamer(spec: ColumnSpec): (name: string) => string | undefined {
  const squash = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');
  const known = new Map([...spec.required, ...spec.optional].map((key) => [squash(key), key]));
  return (name) => known.get(squash(name));
}

function checkColumns(table: Table, names: Map<string, number>, spec: ColumnSpec, at: DeviceListIssue): void {
  for (const field of spec.required.filter((key) => !names.has(key))) {
    table.missingColumns.push(field);
    table.errors.push({ ...at, field });
  }
}

function csvTable(text: string, spec: ColumnSpec): Table {
  const table: Table = { unit: 'line', rows: [], missingColumns: [], errors: [], warnings: [] };
  const {
    records: [header, ...records],
    problems,
  } = readCsvRecords(text);
  table.errors.push(...problems);
  if (!header) {
    // A file csv-parse could not read has said so already.
    if (table.errors.length === 0) table.errors.push({ line: 0, message: 'is empty; expected a header row' });
    return table;
  }
  const columnOf = columnNamer(spec);
  const seen = new Map<string, number>();
  const keys = header.cells.map((name, index) => {
    const key = columnOf(name);
    const at = { line: header.line, field: shownName(name.trim()) };
    if (!at.field) table.warnings.push({ line: header.line, message: `column ${index + 1} has no name` });
    else if (!key) table.warnings.push({ ...at, message: 'unknown column, ignored' });
    else if (seen.has(key)) table.errors.push({ ...at, message: `column appears twice` });
    else return (seen.set(key, index), key);
    return undefined;
  });
  checkColumns(table, seen, spec, { line: header.line, message: 'required column is missing' });
  for (const { line, cells } of records) {
    const row: TableRow = { line, values: {} };
    if (cells.length > keys.length && cells.slice(keys.length).some((c) => c.trim() !== '')) {
      const message = `has ${cells.length} fields, the header ${keys.length}; quote values that hold commas`;
      table.errors.push({ line, message });
      row.bad = true;
    }
    keys.forEach((key, index) => {
      const value = key && cells[index]?.trim();
      if (key && value) row.values[key] = value;
    });
    table.rows.push(row);
  }
  return table;
}

const typeName = (v: unknown) =>
  Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

function jsonTable(text: string, spec: ColumnSpec): Table {
  const table: Table = { unit: 'item', rows: [], missingColumns: [], errors: [], warnings: [] };
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (err) {
    // V8's message may quote the text around the error: keep only the position.
    const at = /at position (\d+)/.exec(String(err))?.[1];
    const line = at === undefined ? 0 : 1 + countLines(text.slice(0, Number(at)));
    table.errors.push({ line, unit: 'line', message: 'is not valid JSON' });
    return table;
  }
  if (!Array.isArray(items)) {
    table.errors.push({ line: 0, message: `must be a JSON array of objects, not ${typeName(items)}` });
    return table;
  }
  const columnOf = columnNamer(spec);
  const seen = new Map<string, number>();
  const unknown = new Set<string>();
  items.forEach((item: unknown, index) => {
    const line = index + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      table.errors.push({ line, unit: 'item', message: `must be an object, not ${typeName(item)}` });
      return;
    }
    const row: TableRow = { line, values: {} };
    for (const [name, raw] of Object.entries(item)) {
      const key = columnOf(name);
      if (!key && !unknown.has(name)) {
        unknown.add(name);
        const field = shownName(name);
        table.warnings.push({ line, unit: 'item', field, message: 'unknown field, ignored' });
      }
      if (!key) continue;
      seen.set(key, line);
      if (raw === null) continue;
      if (typeof raw === 'number' && Number.isInteger(raw) && !Number.isSafeInteger(raw)) {
        // JSON.parse has already rounded it (an 18-digit MEID, say): refuse rather than keep a wrong value.
        const message = 'is a number too large to read exactly; write it as text, in quotes';
        table.errors.push({ line, unit: 'item', field: key, message });
        row.bad = true;
        continue;
      }
      const value = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : raw;
      if (value !== '') row.values[key] = value;
    }
    table.rows.push(row);
  });
  if (items.length > 0) checkColumns(table, seen, spec, { line: 0, message: 'no item has this field' });
  return table;
}

/** JSON when the text starts with `[` or `{` or the file is named `*.json`; CSV otherwise. */
export function readTable(text: string, spec: ColumnSpec, fileName?: string): Table {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = /\S/.exec(body)?.[0];
  const json = first === '[' || first === '{' || /\.json$/i.test(fileName ?? '');
  return json ? jsonTable(body, spec) : csvTable(body, spec);
}

const itemUnit = (table: Table) => (table.unit === 'item' ? { unit: 'item' as const } : {});

/** An absent cell reads "is empty"; a JSON value that is not text reads "must be text, not an object". */
const textError = (iss: { input?: unknown }): string | undefined =>
  iss.input === undefined
    ? 'is empty'
    : typeof iss.input === 'string'
      ? undefined
      : `must be text, not ${typeName(iss.input)}`;
export const text = () => z.string({ error: textError });

/** Longer values are cut in messages: a message names the value, it does not reprint a 100 kB cell. */
const SHOWN_MAX = 40;

/** A value as a message quotes it: JSON-escaped (control characters never reach a terminal raw), cut short. */
export function quote(value: string): string {
  const shown = JSON.stringify(value.length > SHOWN_MAX ? `${value.slice(0, SHOWN_MAX)}…` : value);
  // JSON escapes only the C0 controls: DEL and the C1 controls (an 8-bit CSI among them) are escaped too.
  return shown.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A column or key name as a `field` shows it: as written if short and printable, else quoted like a value. */
function shownName(name: string): string {
  return name.length <= SHOWN_MAX && !/[\p{Cc}\p{Cs}]/u.test(name) ? name : quote(name);
}

/** Text that `problemOf` accepts; it says what is wrong in words, or undefined when the value is fine. */
export const checkedText = (problemOf: (value: string) => string | undefined) =>
  text().superRefine((value, ctx) => {
    const message = problemOf(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

/**
 * zod's email rule: the common RFC 5322 dot-atom form with a dotted domain (no quoted local parts or
 * IP literals, which no directory account has), plus RFC 5321's limits, which it leaves out: 254
 * characters in all (a 256-octet path less its brackets), 64 before the @, 63 per domain label.
 */
const EMAIL = z.regexes.email;
export const EMAIL_MAX = 254;
const EMAIL_LOCAL_MAX = 64;
const DOMAIN_LABEL_MAX = 63;

export function emailProblem(value: string): string | undefined {
  if (value.length > EMAIL_MAX) {
    return `is ${value.length} characters long; an email address has at most ${EMAIL_MAX}`;
  }
  if (!EMAIL.test(value)) return `${quote(value)} is not an email address`;
  const at = value.lastIndexOf('@');
  if (at > EMAIL_LOCAL_MAX) {
    return `${quote(value)} has ${at} characters before the @; an email address has at most ${EMAIL_LOCAL_MAX}`;
  }
  if (
    value
      .slice(at + 1)
      .split('.')
      .some((label) => label.length > DOMAIN_LABEL_MAX)
  ) {
    return `${quote(value)} has a domain label longer than ${DOMAIN_LABEL_MAX} characters`;
  }
  return undefined;
}

export const emailText = () => checkedText(emailProblem);

/** Flags every row whose `field` repeats an earlier row's (case-insensitively), naming both rows. */
export function checkUnique(table: Table, field: string): void {
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const value = row.values[field];
    if (typeof value !== 'string') continue;
    const first = seen.get(value.toLowerCase());
    if (first === undefined) {
      seen.set(value.toLowerCase(), row.line);
      continue;
    }
    row.bad = true;
    const message = `${quote(value)} is also on ${table.unit} ${first}`;
    table.errors.push({ line: row.line, ...itemUnit(table), field, message });
  }
}

/** Validates every row, collecting each issue with its row and field; calls `onValid` for clean rows. */
export function validateRows<T>(table: Table, schema: z.ZodType<T>, onValid: (value: T) => void): void {
  for (const row of table.rows) {
    const parsed = schema.safeParse(row.values);
    if (parsed.success) {
      if (!row.bad) onValid(parsed.data);
      continue;
    }
    for (const issue of parsed.error.issues) {
      const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
      // A column missing altogether was reported once, on the header.
      if (field && table.missingColumns.includes(field)) continue;
      table.errors.push({ line: row.line, ...itemUnit(table), field, message: issue.message });
    }
  }
}

/** The table's issues, errors in file order; a file without any row is an error. */
export function tableIssues(table: Table, noun: string) {
  if (table.rows.length === 0 && table.errors.length === 0) {
    table.errors.push({ line: 0, message: `lists no ${noun}` });
  }
  return { errors: table.errors.sort((a, b) => a.line - b.line), warnings: table.warnings };
}

export const NOT_UTF8: DeviceListIssue = { line: 0, message: 'is not UTF-8 text; save it as "CSV UTF-8"' };

/** UTF-8 with or without a BOM; undefined for anything else (Latin-1, UTF-16). */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads a list file and parses it; a file that is not UTF-8 gives `notUtf8` (one whole-file error), and
 * one that cannot be read throws (ENOENT and the like).
 */
export async function readListFile<T>(
  path: string,
  parse: (text: string, fileName: string) => T,
  notUtf8: T,
): Promise<T> {
  const text = decodeUtf8(await readFile(path));
  return text === undefined ? notUtf8 : parse(text, path);
}
