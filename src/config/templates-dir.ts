import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_PATHS, templatePartOf, templateProblems } from '../services/mail/templates';

/**
 * FERRY_TEMPLATES_DIR, checked with every other setting (synchronously, as loadConfig is): the folder
 * exists and every file in it is a usable template, by the same rules the SMTP notifier loads them with
 * (services/mail/templates.ts). The worker would find the same problems only when it builds its
 * notifier; the CLI, which sends no mail, would not find them at all.
 */

const reasonOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such folder'
    : code === 'ENOTDIR'
      ? 'not a folder'
      : code === 'EACCES'
        ? 'permission denied'
        : (code ?? 'unreadable');
};

export function templatesDirProblems(key: string, dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    return [`${key}: cannot read the templates folder ${dir} (${reasonOf(err)})`];
  }
  const visible = entries.filter((e) => !e.name.startsWith('.'));
  const names = visible
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  // The notifier reads regular files only (a Kubernetes ConfigMap mounts symbolic links): say so.
  const problems = visible
    .filter((e) => e.isSymbolicLink())
    .map(
      (e) => `${key}: ${path.join(dir, e.name)} is a symbolic link; the notifier reads regular files only`,
    );
  // An empty folder is most likely a volume that was not mounted: the defaults would go out unnoticed.
  if (names.length === 0 && problems.length === 0) return [`${key}: ${dir} holds no templates`];
  for (const name of names) {
    const file = path.join(dir, name);
    const target = templatePartOf(name);
    if (!target) {
      problems.push(
        `${key}: ${file} is not a template (<path>.subject.txt, <path>.txt or <path>.html, <path> one of ${NOTIFICATION_PATHS.join(', ')})`,
      );
      continue;
    }
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`${key}: cannot read ${file} (${reasonOf(err)})`);
      continue;
    }
    const found = templateProblems(source, target.path, target.part);
    if (found.length > 0) problems.push(`${key}: ${file}: ${found.join('; ')}`);
  }
  return problems;
}
