import { randomUUID } from 'node:crypto';
import { link, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  appendPrivateFile,
  ensurePrivateDir,
  openPrivateFile,
  tightenPrivateFile,
} from '../shared/private-files';
import type { DeviceInput } from '../../workflows/device/messages';
import type { NotStartedDevice } from '../../workflows/fleet/messages';
import { FailureType } from '../../workflows/failures';

/**
 * Where a migration's device list lives while it runs. The fleet workflow carries only an offset into
 * it (a 100,000-device list would not fit a 2 MB payload, nor belong in history); its activities read
 * one page at a time. The CLI saves the validated list before starting the fleet workflow.
 */
export interface MigrationStore {
  saveDeviceList(migrationId: string, devices: DeviceInput[]): Promise<{ count: number }>;
  readDevicePage(migrationId: string, offset: number, limit: number): Promise<DeviceInput[]>;
  /** Devices Temporal refused to start; recording one twice (a retried batch) keeps one. */
  recordNotStarted(migrationId: string, devices: NotStartedDevice[]): Promise<void>;
  /** The recorded devices, by offset; none when nothing was refused (or the list was removed). */
  readNotStarted(migrationId: string): Promise<NotStartedDevice[]>;
}

/** A store as its owner sees it: housekeeping, `ferry status`, and closing it when the program ends. */
export interface ManagedMigrationStore extends MigrationStore {
  /** Where the lists are, for people: a folder, or a database URL without its password. */
  readonly location: string;
  storedMigrations(): Promise<StoredMigration[]>;
  removeMigration(migrationId: string): Promise<void>;
  close(): Promise<void>;
}

/** One migration's stored files, for housekeeping and `ferry status`. */
export interface StoredMigration {
  migrationId: string;
  bytes: number;
  /** When the device list was saved. */
  savedAt: Date;
}

/** A migration's list is fixed once started: saving a different one under its id is refused. */
export class DeviceListConflictError extends Error {
  override readonly name = FailureType.DeviceListConflict;
}

/** No list saved under the id (or the folder is not mounted on this worker): retried, not failed. */
export class DeviceListNotFoundError extends Error {
  override readonly name = FailureType.DeviceListNotFound;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Every store holds the same ids (a folder name here, a key in PostgreSQL): the CLI checks `--id` once. */
export function checkMigrationId(migrationId: string): void {
  if (!SAFE_ID.test(migrationId)) {
    throw new Error(
      `migration id must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(migrationId)})`,
    );
  }
}

/** Flat objects only (DeviceInput is): the same device always serializes to the same line. */
export function deviceLine(device: DeviceInput): string {
  return JSON.stringify(device, Object.keys(device).sort());
}

/**
 * The device lists as files: `<dir>/migrations/<migrationId>/devices.jsonl`, one device per line. The
 * CLI and the worker must see the same folder: run them on one machine, or mount a shared volume at
 * the same path on every worker (the worker only reads). Folders are 0700 and files 0600
 * (private-files.ts): the lists hold users' emails. So the CLI and the workers run as one user.
 */
export class FileMigrationStore implements ManagedMigrationStore {
  /** Byte offset of each line (plus the file size at the end); lists never change once saved. */
  private readonly lineStarts = new Map<string, Promise<number[]>>();

  constructor(readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  async close(): Promise<void> {}

  deviceListFile(migrationId: string): string {
    return path.join(this.migrationFolder(migrationId), 'devices.jsonl');
  }

  private migrationFolder(migrationId: string): string {
    checkMigrationId(migrationId);
    return path.join(this.dir, 'migrations', migrationId);
  }

  private notStartedFile(migrationId: string): string {
    return path.join(this.migrationFolder(migrationId), 'not-started.jsonl');
  }

  async recordNotStarted(migrationId: string, devices: NotStartedDevice[]): Promise<void> {
    if (devices.length === 0) return;
    // A retried batch may append a device again: reading keeps one per offset. The leading newline ends a
    // line a crash tore mid-append, so it cannot swallow this record.
    await appendPrivateFile(
      this.notStartedFile(migrationId),
      `\n${devices.map((d) => JSON.stringify(d)).join('\n')}\n`,
    );
  }

  async readNotStarted(migrationId: string): Promise<NotStartedDevice[]> {
    const text = await readFile(this.notStartedFile(migrationId), 'utf8').catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      },
    );
    const byOffset = new Map<number, NotStartedDevice>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      // A line torn by a crash mid-append must not stop every later read (the rollout counts with it):
      // the batch that wrote it records the device again when it is retried.
      let d: NotStartedDevice;
      try {
        d = JSON.parse(line) as NotStartedDevice;
      } catch {
        continue;
      }
      if (Number.isInteger(d?.offset)) byOffset.set(d.offset, d);
    }
    return [...byOffset.values()].sort((a, b) => a.offset - b.offset);
  }

  /** Every migration with stored files, with their size. */
  async storedMigrations(): Promise<StoredMigration[]> {
    const root = path.join(this.dir, 'migrations');
    const names = await readdir(root).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const stored: StoredMigration[] = [];
    for (const migrationId of names.filter((n) => SAFE_ID.test(n)).sort()) {
      const folder = path.join(root, migrationId);
      let bytes = 0;
      let savedAt: Date | undefined;
      for (const file of await readdir(folder).catch(() => [] as string[])) {
        const st = await stat(path.join(folder, file)).catch(() => undefined);
        if (!st?.isFile()) continue;
        bytes += st.size;
        if (file === 'devices.jsonl') savedAt = st.mtime;
      }
      if (savedAt) stored.push({ migrationId, bytes, savedAt });
    }
    return stored;
  }

  /** Removes a migration's stored files (its list and not-started records). */
  async removeMigration(migrationId: string): Promise<void> {
    await rm(this.migrationFolder(migrationId), { recursive: true, force: true });
    this.lineStarts.delete(migrationId);
  }

  async saveDeviceList(migrationId: string, devices: DeviceInput[]): Promise<{ count: number }> {
    const file = this.deviceListFile(migrationId);
    const text = devices.map((d) => `${deviceLine(d)}\n`).join('');
    if (await sameListSaved(file, text, migrationId)) {
      // A list an older Ferry saved readable by others is made owner-only on the way.
      await ensurePrivateDir(this.dir, 'migrations', migrationId);
      await tightenPrivateFile(file);
      return { count: devices.length };
    }
    await ensurePrivateDir(this.dir, 'migrations', migrationId);
    // Readers see either no list or the whole list: write aside, flush, then link into place. A link
    // never replaces a file, so of two saves racing for one id exactly one list lands (a rename would let
    // the later silently replace the earlier under a migration already reading it).
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      const handle = await openPrivateFile(temp, 'wx');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await link(temp, file).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST' || !(await sameListSaved(file, text, migrationId))) throw err;
      });
    } finally {
      await rm(temp, { force: true });
    }
    await syncFolder(path.dirname(file));
    return { count: devices.length };
  }

  async readDevicePage(migrationId: string, offset: number, limit: number): Promise<DeviceInput[]> {
    const starts = await this.index(migrationId);
    const count = starts.length - 1;
    const from = Math.min(Math.max(0, offset), count);
    const to = Math.min(count, from + Math.max(0, limit));
    if (to <= from) return [];
    const handle = await open(this.deviceListFile(migrationId), 'r');
    try {
      const bytes = Buffer.alloc(starts[to]! - starts[from]!);
      await handle.read(bytes, 0, bytes.length, starts[from]!);
      return bytes
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as DeviceInput);
    } finally {
      await handle.close();
    }
  }

  /** Reads a list once per process to find its lines, then each page reads only its own bytes. */
  private index(migrationId: string): Promise<number[]> {
    let starts = this.lineStarts.get(migrationId);
    if (!starts) {
      starts = indexLines(this.deviceListFile(migrationId), migrationId);
      this.lineStarts.set(migrationId, starts);
      // A missing list may appear later (a volume mounted late): do not remember the failure.
      void starts.catch(() => this.lineStarts.delete(migrationId));
    }
    return starts;
  }
}

/**
 * True when this very list is saved already (a re-run of the same command is fine); a different list
 * under the id is refused, since a migration's list never changes once saved.
 */
async function sameListSaved(file: string, text: string, migrationId: string): Promise<boolean> {
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing === undefined) return false;
  if (existing === text) return true;
  throw new DeviceListConflictError(
    `migration ${migrationId} already has a different device list; start a new migration instead`,
  );
}

async function indexLines(file: string, migrationId: string): Promise<number[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new DeviceListNotFoundError(`no device list saved for migration ${migrationId} at ${file}`);
  }
  // JSON escapes newlines inside strings, and no UTF-8 multi-byte sequence holds 0x0a: each is a line end.
  const starts = [0];
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) starts.push(i + 1);
  if (starts[starts.length - 1] !== bytes.length) starts.push(bytes.length);
  return starts;
}

/** Makes the link itself durable (POSIX); some platforms cannot open a folder, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Not supported here (e.g. Windows); the link is still atomic.
  } finally {
    await handle.close();
  }
}
