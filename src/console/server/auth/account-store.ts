import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { accountState, emptyAccountState, type AccountState } from './account-state';

/**
 * Where the console's accounts live, beside the migration store: a file under FERRY_STATE_DIR (0600,
 * written whole to a temporary file then renamed, one writer at a time across processes through a lock
 * file), or PostgreSQL when FERRY_STORE_URL is set (account-store-postgres.ts). `ferry console` and
 * `ferry console-owner` open the same one.
 */

export interface AccountStore {
  /** Where, for messages: a path or a database URL without its password. */
  readonly location: string;
  read(): Promise<AccountState>;
  /**
   * Reads the document, lets `change` edit it and writes it back, one change at a time; a change that
   * throws writes nothing. Answers what `change` answered.
   */
  update<T>(change: (state: AccountState) => T): Promise<T>;
  close(): Promise<void>;
}

export const ACCOUNTS_FILE = 'console-accounts.json';
/** A lock older than this was left by a process that died mid-write (a write takes milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_RETRY_MS = 20;

export function parseAccountState(text: string | undefined, where: string): AccountState {
  if (text === undefined) return emptyAccountState();
  const parsed = accountState.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`the console's account store at ${where} is not readable: ${issue.path.join('.')}`);
  }
  return parsed.data;
}

export class FileAccountStore implements AccountStore {
  readonly location: string;
  private readonly lockFile: string;
  /** Changes in this process wait for each other; the lock file orders them with other processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.location = path.join(stateDir, ACCOUNTS_FILE);
    this.lockFile = `${this.location}.lock`;
  }

  async read(): Promise<AccountState> {
    let text: string | undefined;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return parseAccountState(text, this.location);
  }

  update<T>(change: (state: AccountState) => T): Promise<T> {
    const next = this.queue.then(() => this.locked(change));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
  }

  private async locked<T>(change: (state: AccountState) => T): Promise<T> {
    await this.lock();
    try {
      const state = await this.read();
      const answer = change(state);
      const temporary = `${this.location}.${randomUUID()}.tmp`;
      const file = await open(temporary, 'wx', 0o600);
      try {
        await file.writeFile(JSON.stringify(state, null, 1));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.location);
      return answer;
    } finally {
      await rm(this.lockFile, { force: true });
    }
  }

  private async lock(): Promise<void> {
    for (;;) {
      try {
        await (await open(this.lockFile, 'wx', 0o600)).close();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const since = await stat(this.lockFile).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(this.lockFile, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
}

/** The account store a program uses: PostgreSQL with FERRY_STORE_URL, else the state folder's file. */
export async function openAccountStore(where: {
  storeUrl?: string;
  stateDir: string;
}): Promise<AccountStore> {
  if (!where.storeUrl) return new FileAccountStore(where.stateDir);
  const { PostgresAccountStore } = await import('./account-store-postgres');
  return PostgresAccountStore.open(where.storeUrl);
}
