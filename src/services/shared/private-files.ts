import type { Stats } from 'node:fs';
import { chmod, mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Owner-only files. What Ferry keeps under FERRY_STATE_DIR holds users' emails and devices' serials
 * (device lists, not-started records, reports, the dev server's SQLite file and logs), so every folder
 * Ferry makes there is 0700 and every file 0600, whatever the umask. A folder or file Ferry finds with
 * looser modes (made by an older Ferry, or by hand) is tightened when this user owns it; one owned by
 * someone else is left as it is (only its owner or root could change it). The only place that knows
 * the modes: every writer under the state folder goes through here.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** `0644`, as `ls -l` and chmod say it. */
export const modeText = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** Group or others may read, write or enter it. */
export const openToOthers = (mode: number) => (mode & 0o077) !== 0;

/** Group or others may read or write it (execute bits aside). */
export const readableByOthers = (mode: number) => (mode & 0o066) !== 0;

/** This process's user owns it; always false where there are no POSIX owners (Windows). */
const ownedByMe = (st: Stats) => process.getuid !== undefined && st.uid === process.getuid();

async function tighten(target: string, st: Stats, mode: number): Promise<void> {
  if (openToOthers(st.mode) && ownedByMe(st)) await chmod(target, mode);
}

/**
 * Creates `dir` and any missing parent owner-only; folders that exist are left as they are. For a
 * folder the user named (`ferry report --out ~/reports/x.csv`): Ferry does not own `~`.
 */
export async function createPrivateDirs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * `root` (the state folder) and each folder from it down to `root/...below`, created owner-only, and
 * each that exists tightened to 0700. Returns the deepest folder.
 */
export async function ensurePrivateDir(root: string, ...below: string[]): Promise<string> {
  const deepest = path.join(root, ...below);
  await createPrivateDirs(deepest);
  let dir = root;
  for (const segment of ['', ...below]) {
    dir = path.join(dir, segment);
    await tighten(dir, await stat(dir), PRIVATE_DIR_MODE);
  }
  return deepest;
}

/**
 * Opens a file as `fs.open` would, created 0600; an existing regular file with looser modes is
 * tightened first. The caller closes the handle.
 */
export async function openPrivateFile(file: string, flags: 'a' | 'w' | 'wx'): Promise<FileHandle> {
  const handle = await open(file, flags, PRIVATE_FILE_MODE);
  try {
    const st = await handle.stat();
    // Not a regular file (`--out /dev/stdout`): nothing to tighten, and not Ferry's to change.
    if (st.isFile() && openToOthers(st.mode) && ownedByMe(st)) await handle.chmod(PRIVATE_FILE_MODE);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Writes the whole file (replacing it), owner-only. */
export async function writePrivateFile(file: string, data: string): Promise<void> {
  const handle = await openPrivateFile(file, 'w');
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** Appends to the file, creating it owner-only. */
export async function appendPrivateFile(file: string, data: string): Promise<void> {
  const handle = await openPrivateFile(file, 'a');
  try {
    await handle.appendFile(data);
  } finally {
    await handle.close();
  }
}

/**
 * Tightens a file another program created (the Temporal CLI's SQLite file): 0600 when this user owns
 * it. A file that does not exist (yet) is fine.
 */
export async function tightenPrivateFile(file: string): Promise<void> {
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (st?.isFile()) await tighten(file, st, PRIVATE_FILE_MODE);
}
