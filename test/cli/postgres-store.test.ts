import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listDevices } from '../../src/client/commands/visibility';
import { PostgresMigrationStore } from '../../src/services/device-lists/postgres-store';
import { FakeWorld } from '../helpers/fake-world';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';
import { until } from '../helpers/eventually';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { ferry, lines } from './fleet-fixture';

const env = devServerEnvPerFile();
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(() => postgres.stop());

test('when FERRY_STORE_URL names a PostgreSQL database, then ferry start saves the list there, a worker migrates from it, and no output shows the password', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-pg-cli-'));
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  const stamp = Date.now().toString(36).toUpperCase();
  const serials = Array.from({ length: 4 }, (_, i) => `PGST${i}${stamp}`);
  serials.forEach((_, i) => world.addUser(`pg.user${i}@corp.example`));
  const file = path.join(stateDir, 'devices.csv');
  writeFileSync(
    file,
    [
      'serial_number,platform,enrollment_kind,user_email',
      ...serials.map((s, i) => `${s},ios,standard,pg.user${i}@corp.example`),
    ].join('\n'),
  );
  const store = await PostgresMigrationStore.open(postgres.url);
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'pg-store',
    fleet: { store },
  });
  const cliEnv = { FERRY_STATE_DIR: stateDir, FERRY_TASK_QUEUE: taskQueue, FERRY_STORE_URL: postgres.url };
  const outputs: string[] = [];
  try {
    await worker.runUntil(async () => {
      const start = await ferry(['start', '--name', 'PG store', '--devices', file, '--poll-interval', '1s'], {
        env: cliEnv,
      });
      outputs.push(start.stdout, start.stderr);
      expect(start).toMatchObject({ code: 0 });
      const migrationId = lines(start.stdout).at(-1)!;
      expect(await store.readDevicePage(migrationId, 0, 10)).toHaveLength(4);
      expect(existsSync(path.join(stateDir, 'migrations'))).toBe(false);

      await until(
        async () => (await listDevices(env.client, migrationId)).filter((d) => !d.running).length === 4,
      );
      const status = await ferry(['status', migrationId], { env: cliEnv });
      outputs.push(status.stdout, status.stderr);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^Stored: .*postgres:\/\/ferry@127\.0\.0\.1:\d+\/postgres/m);
    });
  } finally {
    await store.close();
  }
  for (const text of outputs) expect(text).not.toContain(postgres.password);
});
