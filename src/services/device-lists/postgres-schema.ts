import type { Pool, PoolClient } from 'pg';

/**
 * The PostgreSQL store's schema, created and migrated by Ferry itself: every worker and CLI that opens
 * the store runs `migrateSchema` first. Steps only ever get appended (a released step is never edited),
 * each runs once, in order, inside one transaction with the step's version recorded beside it.
 */
const STEPS: readonly string[] = [
  // 1: device lists, one row a device (a page is an index range scan), and the devices Temporal refused.
  `CREATE TABLE ferry_device_lists (
     migration_id text PRIMARY KEY,
     device_count integer NOT NULL,
     list_bytes bigint NOT NULL,
     list_sha256 text NOT NULL,
     saved_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE ferry_devices (
     migration_id text NOT NULL REFERENCES ferry_device_lists ON DELETE CASCADE,
     position integer NOT NULL,
     device text NOT NULL,
     PRIMARY KEY (migration_id, position)
   );
   CREATE TABLE ferry_not_started (
     migration_id text NOT NULL REFERENCES ferry_device_lists ON DELETE CASCADE,
     position integer NOT NULL,
     record text NOT NULL,
     PRIMARY KEY (migration_id, position)
   );`,
];

/** The schema version this build of Ferry writes. */
export const SCHEMA_VERSION = STEPS.length;

/** Any constant works; it only has to be the same in every Ferry process sharing a database. */
const MIGRATION_LOCK = 0x4665727279; // "Ferry"

/** A database migrated by a newer Ferry than this one: refusing beats writing what it no longer reads. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}

async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}

/**
 * Brings the schema to SCHEMA_VERSION. Workers starting together take turns on an advisory lock, so
 * exactly one applies each step; the others find it done. Returns the versions applied here.
 */
export function migrateSchema(pool: Pool): Promise<number[]> {
  return inTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await db.query(
      `CREATE TABLE IF NOT EXISTS ferry_schema_versions (
         version integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await db.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM ferry_schema_versions',
    );
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new SchemaTooNewError(
        `the store's schema is version ${current}, newer than this Ferry's ${SCHEMA_VERSION}: upgrade Ferry`,
      );
    }
    const applied: number[] = [];
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await db.query(STEPS[version - 1]!);
      await db.query('INSERT INTO ferry_schema_versions (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    return applied;
  });
}

export { inTransaction };
