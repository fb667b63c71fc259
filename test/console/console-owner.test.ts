import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConsoleApp } from '../../src/console/server/app';
import { FileAccountStore, type AccountStore } from '../../src/console/server/auth/account-store';
import { PostgresAccountStore } from '../../src/console/server/auth/account-store-postgres';
import { ferry } from '../helpers/ferry-cli';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { devServerEnvPerFile } from '../helpers/temporal';
import { anonymous, finishLink } from './auth-helpers';

/**
 * `ferry console-owner` as an operator runs it: the link it prints sets up the first Owner in the
 * console that opens the same store (the state folder's file, or PostgreSQL); a second Owner needs
 * --force; the store never holds the token.
 */

const env = devServerEnvPerFile();
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(() => postgres.stop());

const LINK = /^ {2}(http:\/\/127\.0\.0\.1:7380\/set-up#(\S+))$/m;

/** Finishes the printed link in a console on `store`; answers who it signed in. */
async function finishIn(store: AccountStore, stdout: string) {
  const token = LINK.exec(stdout)![2]!;
  const app = await buildConsoleApp(
    { client: env.client, namespace: 'default', taskQueue: 'no-worker' },
    { logLevel: 'silent', auth: { store } },
  );
  try {
    const session = await anonymous(app);
    const opened = await session.post('/api/set-up/open', { token });
    if (opened.statusCode !== 200) return { status: opened.statusCode, body: opened.json() as unknown };
    const { finished } = await finishLink(session, token);
    return { status: finished.statusCode, body: finished.json() as unknown };
  } finally {
    await app.close();
  }
}

test('when ferry console-owner runs on a new state folder, then its one-time link sets up an Owner there; a second Owner needs --force', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-owner-'));
  try {
    const first = await ferry(['console-owner', 'jane', '--name', 'Jane Doe'], {
      env: { FERRY_STATE_DIR: stateDir },
    });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(LINK);
    const token = LINK.exec(first.stdout)![2]!;
    expect(readFileSync(path.join(stateDir, 'console-accounts.json'), 'utf8')).not.toContain(token);
    const store = new FileAccountStore(stateDir);
    expect(await finishIn(store, first.stdout)).toEqual({
      status: 200,
      body: { name: 'Jane Doe', role: 'owner' },
    });
    // The link worked once.
    expect((await finishIn(store, first.stdout)).status).toBe(404);

    const second = await ferry(['console-owner', 'joe'], { env: { FERRY_STATE_DIR: stateDir } });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/an Owner exists already/);
    const forced = await ferry(['console-owner', 'jane', '--name', 'Jane Again', '--force'], {
      env: { FERRY_STATE_DIR: stateDir },
    });
    expect(forced.code).toBe(0);
    expect(await finishIn(store, forced.stdout)).toEqual({
      status: 200,
      body: { name: 'Jane Again', role: 'owner' },
    });
    expect((await store.read()).accounts.map((a) => a.username)).toEqual(['jane']);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}, 120_000);

test('when FERRY_STORE_URL is set, then the Owner is kept in PostgreSQL, where the console reads it, and no output shows the password', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-owner-pg-'));
  const store = await PostgresAccountStore.open(postgres.url);
  try {
    const run = await ferry(['console-owner', 'pat'], {
      env: { FERRY_STATE_DIR: stateDir, FERRY_STORE_URL: postgres.url },
    });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(postgres.password);
    expect(await finishIn(store, run.stdout)).toEqual({ status: 200, body: { name: 'pat', role: 'owner' } });
    const [account] = (await store.read()).accounts;
    expect(account).toMatchObject({
      username: 'pat',
      role: 'owner',
      passwordHash: expect.stringMatching(/^\$argon2id\$/),
    });
  } finally {
    await store.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}, 120_000);
