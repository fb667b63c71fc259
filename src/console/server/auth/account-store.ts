import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAccountState, type AccountState, type AccountStore } from './account-state';

export type { AccountStore } from './account-state';

/**
 * Where the console's accounts live, beside the migration store: a file under FERRY_STATE_DIR (0600,
 * written whole to a temporary file then renamed, one writer at a time across processes through a lock
 * file holding the writer's random value), or PostgreSQL when FERRY_STORE_URL is set (account-store-postgres.ts). `ferry console` and
 * `ferry console-owner` open the same one.
 */

export const ACCOUNTS_FILE = 'console-accounts.json';
/** A lock older than this was left by a process that died mid-write (a write takes milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_RETRY_MS = 20;

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
    const mine = await this.lock();
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
      await this.release(mine);
    }
  }

  /**
   * Takes the lock: a file holding a random value of this writer's, made with its value in one step
   * (a hard link of a written file fails if the lock exists). A lock older than STALE_LOCK_MS is taken
   * away by rename, which only one contender wins, and only if it still holds the value judged stale.
   */
  private async lock(): Promise<string> {
    const mine = randomUUID();
    const candidate = `${this.lockFile}.${mine}`;
    await writeFile(candidate, mine, { mode: 0o600 });
    try {
      for (;;) {
        try {
          await link(candidate, this.lockFile);
          return mine;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const held = await this.holder();
        if (held && Date.now() - held.since > STALE_LOCK_MS) await this.removeIfHeldBy(held.value);
        else await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
      }
    } finally {
      await rm(candidate, { force: true });
    }
  }

  /** Lets go of the lock, unless another writer took it over meanwhile (then it is theirs to remove). */
  private release(mine: string): Promise<void> {
    return this.removeIfHeldBy(mine);
  }

  private async holder(): Promise<{ value: string; since: number } | undefined> {
    // One handle: the value and the age are the same file's, even if the lock changes hands meanwhile.
    let file;
    try {
      file = await open(this.lockFile, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const [value, info] = await Promise.all([file.readFile('utf8'), file.stat()]);
      return { value, since: info.mtimeMs };
    } finally {
      await file.close();
    }
  }

  /**
   * Removes the lock file if it holds `value`: moved aside by rename first (atomic: no one else's new
   * lock can be deleted between the check and the removal), then checked, and put back if it was not
   * the one meant.
   */
  private async removeIfHeldBy(value: string): Promise<void> {
    const aside = `${this.lockFile}.${randomUUID()}.old`;
    try {
      await rename(this.lockFile, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      if ((await readFile(aside, 'utf8')) !== value)
        // Someone else's: back where it was, unless a newer lock stands there already.
        await link(aside, this.lockFile).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
    } finally {
      await rm(aside, { force: true });
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
