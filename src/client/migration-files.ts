import path from 'node:path';
import { loadConfig } from '../config';
import { openMigrationStore } from '../services/device-lists/open-store';
import { redactedStoreUrl } from '../services/device-lists/postgres-store';
import type { ManagedMigrationStore } from '../services/device-lists/store';
import type { NotStartedDevice } from '../workflows/fleet/messages';

/**
 * What the CLI reads from the migration store (FERRY_STORE_URL's database, or the state folder
 * FERRY_STATE_DIR), where `ferry start` saves the lists and the workers record the devices Temporal
 * refused to start. A folder is shared with the workers, or not reachable from this machine at all:
 * then there is simply nothing here to read.
 */

export interface StoredList {
  /** The state folder, absolute, or the store's database URL without its password. */
  dir: string;
  /** What the migration keeps there (its device list and not-started records); 0 when nothing. */
  bytes: number;
  /** When its device list was saved. */
  savedAt?: string;
  /** Why the folder could not be read (then bytes says nothing). */
  unreadable?: string;
}

export interface NotStartedRow extends NotStartedDevice {
  /** From the saved list; '' when the list is gone. */
  platform: string;
}

let store: { key: string; opened: Promise<ManagedMigrationStore> } | undefined;

function storeWhere() {
  const config = loadConfig();
  return { storeUrl: config.storeUrl, stateDir: path.resolve(config.stateDir) };
}

/** One store per process: it indexes a list once, and `status --watch` reads it every draw. */
export function cliStore(): Promise<ManagedMigrationStore> {
  const where = storeWhere();
  const key = where.storeUrl ?? where.stateDir;
  if (store?.key !== key) store = { key, opened: openMigrationStore(where) };
  return store.opened;
}

/** Where the store is, for people, even when it cannot be opened (never a password). */
function storeLocation(): string {
  const { storeUrl, stateDir } = storeWhere();
  return storeUrl ? redactedStoreUrl(storeUrl) : stateDir;
}

export async function storedListOf(migrationId: string): Promise<StoredList> {
  const dir = storeLocation();
  let all;
  try {
    all = await (await cliStore()).storedMigrations();
  } catch (err) {
    return { dir, bytes: 0, unreadable: (err as Error).message.split('\n')[0] };
  }
  const stored = all.find((m) => m.migrationId === migrationId);
  return stored ? { dir, bytes: stored.bytes, savedAt: stored.savedAt.toISOString() } : { dir, bytes: 0 };
}

/** The devices Temporal refused to start, with their platform from the saved list. */
export async function notStartedOf(migrationId: string): Promise<NotStartedRow[]> {
  let refused: NotStartedDevice[];
  let opened: ManagedMigrationStore;
  try {
    opened = await cliStore();
    refused = await opened.readNotStarted(migrationId);
  } catch {
    return []; // an id the store cannot hold (so it holds nothing for it), or an unreachable store
  }
  return Promise.all(
    refused.map(async (d) => {
      const listed = await opened.readDevicePage(migrationId, d.offset, 1).catch(() => []);
      return { ...d, platform: listed[0]?.platform ?? '' };
    }),
  );
}

/** "1.2 MB": sizes as an admin reads them (powers of 1000, as `df -H` and file managers show). */
export function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
