import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { usesToken, type MigrationPath } from '../../workflows/device/paths';
import { DEFAULT_TEMPLATES, type Template } from './default-templates';

export type { Template } from './default-templates';

/**
 * The email an end user receives, per platform path. Defaults live in default-templates.ts; an admin may
 * replace any part of any path from a folder: `<dir>/<path>.subject.txt`, `<dir>/<path>.txt` (plain text)
 * and `<dir>/<path>.html`. Overrides are validated when they are loaded (at worker start-up), so that a
 * typo fails the start, not the hundredth device's notification.
 */

export const NOTIFICATION_PATHS = [
  'ios_standard',
  'ios_ade_erase',
  'ios_ade_standard',
  'ios_ade_abm_deadline',
  'android_token',
  'android_fully_managed',
] as const satisfies readonly MigrationPath[];

export const PLACEHOLDERS = [
  'serialNumber',
  'registrationToken',
  'supportContact',
  'email',
  'platform',
  'deadline',
  'removalTime',
  // Android fully managed: the staging configuration's token, and the QR code image's address (cid:).
  'enrollmentToken',
  'qrCodeImage',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

export type TemplateSet = Record<MigrationPath, Template>;

/** A template override that cannot be used; `file` names it (never a value). */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'TemplateError';
  }
}

type Part = keyof Template;
const SUFFIX: Record<Part, string> = { subject: '.subject.txt', text: '.txt', html: '.html' };

const TAG = /\{\{\s*([#/]?)\s*([A-Za-z_][\w]*)\s*\}\}/g;
const SECTION = /\{\{#([A-Za-z_]\w*)\}\}([\s\S]*?)\{\{\/\1\}\}/g;

/** The paths whose message carries the staging QR code (the device is wiped and set up anew). */
export function showsStagingQr(path: string): boolean {
  return path === 'android_fully_managed';
}

export function isNotificationPath(value: string): value is MigrationPath {
  return (NOTIFICATION_PATHS as readonly string[]).includes(value);
}

/** Problems with one template part; empty when it can be used. */
export function templateProblems(source: string, mailPath: MigrationPath, part: Part): string[] {
  const problems: string[] = [];
  if (source.trim() === '') problems.push('is empty');
  for (const m of source.matchAll(TAG)) {
    const name = m[2] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(`unknown placeholder {{${m[1]}${name}}} (known: ${PLACEHOLDERS.join(', ')})`);
    } else if (m[0] !== `{{${m[1]}${name}}}`) {
      problems.push(`write placeholders without spaces: {{${m[1]}${name}}}`);
    }
  }
  const leftover = source.replace(SECTION, (_, _name: string, inner: string) => inner);
  if (/\{\{[#/]/.test(leftover))
    problems.push('has a {{#section}} without its {{/section}} (or the reverse)');
  if (part === 'subject' && source.includes('{{registrationToken}}')) {
    problems.push('the subject may not show the registration token (subjects appear on lock screens)');
  }
  if (part === 'subject' && source.includes('{{enrollmentToken}}')) {
    problems.push('the subject may not show the enrollment token (subjects appear on lock screens)');
  }
  if (part === 'html' && showsStagingQr(mailPath) && !leftover.includes('{{qrCodeImage}}')) {
    problems.push(`must show the QR code: <img src="{{qrCodeImage}}"> (on ${mailPath} the user scans it)`);
  }
  if (part !== 'subject' && usesToken(mailPath) && !leftover.includes('{{registrationToken}}')) {
    problems.push(`must show {{registrationToken}}: on ${mailPath} the user has to type it`);
  }
  return problems;
}

/**
 * The defaults with every override found in `dir` applied. Throws a TemplateError naming the file for an
 * unreadable folder, a file that is no known `<path>.<part>`, or an override with a problem.
 */
export async function loadTemplates(dir?: string): Promise<TemplateSet> {
  const templates = Object.fromEntries(
    NOTIFICATION_PATHS.map((p) => [p, { ...DEFAULT_TEMPLATES[p] }]),
  ) as TemplateSet;
  if (!dir) return templates;
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    throw new TemplateError(dir, 'cannot read the templates folder');
  }
  for (const name of entries.filter((n) => !n.startsWith('.')).sort()) {
    const file = path.join(dir, name);
    const target = templatePartOf(name);
    if (!target) {
      throw new TemplateError(
        file,
        `not a template: expected <path>.subject.txt, <path>.txt or <path>.html, with <path> one of ${NOTIFICATION_PATHS.join(', ')}`,
      );
    }
    const source = await readFile(file, 'utf8');
    const problems = templateProblems(source, target.path, target.part);
    if (problems.length > 0) throw new TemplateError(file, problems.join('; '));
    templates[target.path][target.part] = target.part === 'subject' ? source.trim() : source;
  }
  return templates;
}

/** Which path and part a file of the templates folder overrides, by its name; undefined: not a template. */
export function templatePartOf(fileName: string): { path: MigrationPath; part: Part } | undefined {
  // `.subject.txt` first: it also ends in `.txt`.
  for (const part of ['subject', 'text', 'html'] as const) {
    const suffix = SUFFIX[part];
    if (!fileName.endsWith(suffix)) continue;
    const base = fileName.slice(0, -suffix.length);
    return isNotificationPath(base) ? { path: base, part } : undefined;
  }
  return undefined;
}

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Fills one template source; values are never re-read as template syntax. */
function fill(source: string, values: TemplateValues, escape: (s: string) => string): string {
  const kept = source.replace(SECTION, (_, name: string, inner: string) =>
    values[name as Placeholder] ? inner : '',
  );
  return kept.replace(TAG, (_, _kind: string, name: string) => escape(values[name as Placeholder] ?? ''));
}

/** The subject (one line), plain text and HTML (values escaped) for one user. */
export function renderTemplate(template: Template, values: TemplateValues): Template {
  return {
    subject: fill(template.subject, values, (s) => s.replace(/[\r\n]+/g, ' ')).trim(),
    text: fill(template.text, values, (s) => s),
    html: fill(template.html, values, escapeHtml),
  };
}
