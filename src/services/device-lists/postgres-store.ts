import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import type { DeviceInput } from '../../workflows/device/messages';
import type { NotStartedDevice } from '../../workflows/fleet/messages';
import { inTransaction, migrateSchema } from './postgres-schema';
import {
  DeviceListConflictError,
  DeviceListNotFoundError,
  checkMigrationId,
  deviceLine,
  type ManagedMigrationStore,
  type StoredMigration,
} from './store';

/** Rows per INSERT: large enough for few round trips, small enough for PostgreSQL's parameter limits. */
const INSERT_CHUNK = 1_000;

/** The URL as people may read it: user, host, port and database; never the password. */
export function redactedStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * The migration store in PostgreSQL (FERRY_STORE_URL), for workers on several hosts: they share the
 * database instead of a mounted folder. It keeps what the file store keeps, with the same guarantees:
 * a list is saved whole or not at all and never changes once saved; a device refused twice is one
 * record. Open it with `PostgresMigrationStore.open`, which creates or migrates the schema first.
 */
export class PostgresMigrationStore implements ManagedMigrationStore {
  readonly location: string;

  private constructor(
    private readonly pool: Pool,
    url: string,
  ) {
    this.location = redactedStoreUrl(url);
  }

  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresMigrationStore> {
    // allowExitOnIdle: a CLI command ends when its work does, without every caller closing the pool.
    const pool = new Pool({ connectionString: url, max: options.maxConnections ?? 5, allowExitOnIdle: true });
    // An idle connection the server drops must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await migrateSchema(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot open the migration store at ${redactedStoreUrl(url)}: ${firstLine(err)}`);
    }
    return new PostgresMigrationStore(pool, url);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async saveDeviceList(migrationId: string, devices: DeviceInput[]): Promise<{ count: number }> {
    checkMigrationId(migrationId);
    const lines = devices.map(deviceLine);
    const hash = createHash('sha256');
    for (const line of lines) hash.update(`${line}\n`);
    const sha256 = hash.digest('hex');
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    return inTransaction(this.pool, async (db) => {
      // Two saves of one id at once: the second waits on the first's row, then compares with it.
      const inserted = await db.query(
        `INSERT INTO ferry_device_lists (migration_id, device_count, list_bytes, list_sha256)
         VALUES ($1, $2, $3, $4) ON CONFLICT (migration_id) DO NOTHING`,
        [migrationId, lines.length, bytes, sha256],
      );
      if (inserted.rowCount === 0) {
        const { rows } = await db.query<{ list_sha256: string }>(
          'SELECT list_sha256 FROM ferry_device_lists WHERE migration_id = $1',
          [migrationId],
        );
        // Saving the same list again (a re-run of the same command) is fine; changing it is not.
        if (rows[0]?.list_sha256 === sha256) return { count: lines.length };
        throw new DeviceListConflictError(
          `migration ${migrationId} already has a different device list; start a new migration instead`,
        );
      }
      for (let from = 0; from < lines.length; from += INSERT_CHUNK) {
        const chunk = lines.slice(from, from + INSERT_CHUNK);
        await db.query(
          `INSERT INTO ferry_devices (migration_id, position, device)
           SELECT $1, position, device FROM unnest($2::integer[], $3::text[]) AS t(position, device)`,
          [migrationId, chunk.map((_, i) => from + i), chunk],
        );
      }
      return { count: lines.length };
    });
  }

  async readDevicePage(migrationId: string, offset: number, limit: number): Promise<DeviceInput[]> {
    checkMigrationId(migrationId);
    const from = Math.max(0, offset);
    const { rows } = await this.pool.query<{ device: string }>(
      `SELECT device FROM ferry_devices WHERE migration_id = $1 AND position >= $2 AND position < $3
       ORDER BY position`,
      [migrationId, from, from + Math.max(0, limit)],
    );
    if (rows.length === 0 && !(await this.hasList(migrationId))) {
      throw new DeviceListNotFoundError(
        `no device list saved for migration ${migrationId} in ${this.location}`,
      );
    }
    return rows.map((r) => JSON.parse(r.device) as DeviceInput);
  }

  async recordNotStarted(migrationId: string, devices: NotStartedDevice[]): Promise<void> {
    checkMigrationId(migrationId);
    if (devices.length === 0) return;
    // A retried batch records a device again: the later record replaces the earlier, as the file's does.
    await this.pool.query(
      `INSERT INTO ferry_not_started (migration_id, position, record)
       SELECT $1, position, record FROM unnest($2::integer[], $3::text[]) AS t(position, record)
       ON CONFLICT (migration_id, position) DO UPDATE SET record = EXCLUDED.record`,
      [migrationId, devices.map((d) => d.offset), devices.map((d) => JSON.stringify(d))],
    );
  }

  async readNotStarted(migrationId: string): Promise<NotStartedDevice[]> {
    checkMigrationId(migrationId);
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM ferry_not_started WHERE migration_id = $1 ORDER BY position',
      [migrationId],
    );
    return rows.map((r) => JSON.parse(r.record) as NotStartedDevice);
  }

  async storedMigrations(): Promise<StoredMigration[]> {
    const { rows } = await this.pool.query<{ migration_id: string; bytes: string; saved_at: Date }>(
      `SELECT l.migration_id, l.saved_at,
              l.list_bytes + coalesce((SELECT sum(octet_length(n.record) + 1)
                                       FROM ferry_not_started n WHERE n.migration_id = l.migration_id), 0)
                AS bytes
       FROM ferry_device_lists l ORDER BY l.migration_id`,
    );
    return rows.map((r) => ({ migrationId: r.migration_id, bytes: Number(r.bytes), savedAt: r.saved_at }));
  }

  async removeMigration(migrationId: string): Promise<void> {
    checkMigrationId(migrationId);
    await this.pool.query('DELETE FROM ferry_device_lists WHERE migration_id = $1', [migrationId]);
  }

  private async hasList(migrationId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM ferry_device_lists WHERE migration_id = $1', [
      migrationId,
    ]);
    return (rowCount ?? 0) > 0;
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
