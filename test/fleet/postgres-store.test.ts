import { Pool } from 'pg';
import { SCHEMA_VERSION, migrateSchema } from '../../src/services/device-lists/postgres-schema';
import { PostgresMigrationStore, redactedStoreUrl } from '../../src/services/device-lists/postgres-store';
import { openMigrationStore } from '../../src/services/device-lists/open-store';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(() => postgres.stop());

/** A database of its own per test, so each starts from an empty schema. */
async function freshDatabase(name: string): Promise<string> {
  const admin = new Pool({ connectionString: postgres.url });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

async function versions(url: string): Promise<number[]> {
  const pool = new Pool({ connectionString: url });
  try {
    const { rows } = await pool.query<{ version: number }>(
      'SELECT version FROM ferry_schema_versions ORDER BY version',
    );
    return rows.map((r) => r.version);
  } finally {
    await pool.end();
  }
}

describe('PostgreSQL migration store', () => {
  test('when several workers open an empty database at once, then the schema is created exactly once', async () => {
    const url = await freshDatabase('ferry_concurrent');
    const pools = Array.from({ length: 4 }, () => new Pool({ connectionString: url }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrateSchema(pool)));
      expect(applied.flat()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(await migrateSchema(pools[0]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    expect(await versions(url)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  test('when the schema is newer than this Ferry, then opening the store is refused in words', async () => {
    const url = await freshDatabase('ferry_newer');
    await (await PostgresMigrationStore.open(url)).close();
    const pool = new Pool({ connectionString: url });
    await pool.query('INSERT INTO ferry_schema_versions (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    await pool.end();
    await expect(PostgresMigrationStore.open(url)).rejects.toThrow(
      `schema is version ${SCHEMA_VERSION + 1}, newer than this Ferry's ${SCHEMA_VERSION}: upgrade Ferry`,
    );
  });

  test('when the database cannot be reached or refuses the password, then the error names where, never the password', async () => {
    const wrongPassword = postgres.url.replace(postgres.password, 'not-the-password-123');
    const refused = await PostgresMigrationStore.open(wrongPassword).then(
      () => 'opened',
      (err: Error) => err.message,
    );
    expect(refused).toMatch(
      /cannot open the migration store at postgres:\/\/ferry@127\.0\.0\.1:\d+\/postgres: /,
    );
    expect(refused).toMatch(/password authentication failed/);
    expect(refused).not.toContain('not-the-password-123');

    const store = await PostgresMigrationStore.open(postgres.url);
    expect(store.location).not.toContain(postgres.password);
    await store.close();
    expect(redactedStoreUrl('postgres://u:secret@db:5432/ferry?sslmode=require&password=x')).toBe(
      'postgres://u@db:5432/ferry',
    );
  });

  test('when FERRY_STORE_URL is set, then programs open the PostgreSQL store; otherwise the files', async () => {
    const pg = await openMigrationStore({ storeUrl: postgres.url, stateDir: '/nonexistent' });
    expect(pg).toBeInstanceOf(PostgresMigrationStore);
    await pg.close();
    const files = await openMigrationStore({ stateDir: '/tmp/x' });
    expect(files).toBeInstanceOf(FileMigrationStore);
    expect(files.location).toBe('/tmp/x');
  });
});
