import { Pool } from 'pg';
import { redactedStoreUrl } from '../../../services/device-lists/postgres-store';
import { parseAccountState, type AccountStore } from './account-store';
import type { AccountState } from './account-state';

/**
 * The console's accounts in PostgreSQL (FERRY_STORE_URL), beside the migration store: one row holding
 * the document, changed inside a transaction that holds the row's lock (one change at a time across
 * every console and `ferry console-owner`). The table is created if missing.
 */

const ROW = 1;

export class PostgresAccountStore implements AccountStore {
  readonly location: string;

  private constructor(
    private readonly pool: Pool,
    url: string,
  ) {
    this.location = redactedStoreUrl(url);
  }

  static async open(url: string): Promise<PostgresAccountStore> {
    const pool = new Pool({ connectionString: url, max: 3, allowExitOnIdle: true });
    pool.on('error', () => undefined);
    try {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ferry_console_accounts (
           id integer PRIMARY KEY,
           state text NOT NULL
         )`,
      );
      await pool.query(
        `INSERT INTO ferry_console_accounts (id, state) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
        [ROW, JSON.stringify(parseAccountState(undefined, ''))],
      );
    } catch (err) {
      await pool.end().catch(() => undefined);
      const first = String((err as Error).message ?? err).split('\n')[0];
      throw new Error(`cannot open the console's account store at ${redactedStoreUrl(url)}: ${first}`);
    }
    return new PostgresAccountStore(pool, url);
  }

  async read(): Promise<AccountState> {
    const { rows } = await this.pool.query<{ state: string }>(
      'SELECT state FROM ferry_console_accounts WHERE id = $1',
      [ROW],
    );
    return parseAccountState(rows[0]?.state, this.location);
  }

  async update<T>(change: (state: AccountState) => T): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      const { rows } = await db.query<{ state: string }>(
        'SELECT state FROM ferry_console_accounts WHERE id = $1 FOR UPDATE',
        [ROW],
      );
      const state = parseAccountState(rows[0]?.state, this.location);
      const answer = change(state);
      await db.query('UPDATE ferry_console_accounts SET state = $2 WHERE id = $1', [
        ROW,
        JSON.stringify(state),
      ]);
      await db.query('COMMIT');
      return answer;
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      db.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
