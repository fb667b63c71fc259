import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listDevices } from '../../src/client/commands/visibility';
import { fleetWorkflowId } from '../../src/workflows/fleet/messages';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import { FakeWorld } from '../helpers/fake-world';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';
import { until } from '../helpers/eventually';
import { ferry, lines } from './fleet-fixture';

const env = devServerEnvPerFile();

test('when an admin starts a migration in approved waves, then the second wave starts only after approve-wave', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-start-'));
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  const serials = Array.from({ length: 6 }, (_, i) => `WAVE${i}${Date.now().toString(36).toUpperCase()}`);
  const rows = serials.map((s, i) => `${s},ios,standard,user${i}@corp.example`);
  serials.forEach((_, i) => world.addUser(`user${i}@corp.example`));
  const file = path.join(stateDir, 'devices.csv');
  writeFileSync(file, ['serial_number,platform,enrollment_kind,user_email', ...rows].join('\n'));
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'start',
    fleet: { store: new FileMigrationStore(stateDir) },
  });
  const cliEnv = { FERRY_STATE_DIR: stateDir, FERRY_TASK_QUEUE: taskQueue };

  await worker.runUntil(async () => {
    const start = await ferry(
      [
        'start',
        '--name',
        'Pilot wave',
        '--devices',
        file,
        '--wave-size',
        '3',
        '--approve-waves',
        '--poll-interval',
        '1s',
      ],
      { env: cliEnv },
    );
    expect(start).toMatchObject({ code: 0 });
    const migrationId = lines(start.stdout).at(-1)!;
    expect(migrationId).toMatch(/^pilot-wave-\d{8}-\d{6}-[0-9a-f]{6}$/);
    // Watching from the start: no device is listed yet, and none is open while the second wave waits.
    const watching = ferry(['status', migrationId, '--watch', '--interval', '0.3'], { env: cliEnv });

    await until(
      async () => (await listDevices(env.client, migrationId)).filter((d) => !d.running).length === 3,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await listDevices(env.client, migrationId)).toHaveLength(3); // the second wave waits
    // Nothing more happens until an admin approves the wave: the watch ends there and says so.
    const watch = await watching;
    expect(watch.code).toBe(0);
    expect(
      lines(watch.stdout)
        .filter((l) => l.endsWith(' closed'))
        .at(-1),
    ).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}] 3/6 closed`);
    expect(lines(watch.stdout).slice(-2)).toEqual([
      'Nothing more happens without an admin:',
      `  - approve the next wave: ferry approve-wave ${migrationId}`,
    ]);

    const approved = await ferry(['approve-wave', migrationId, '--by', 'lead'], { env: cliEnv });
    expect(approved).toMatchObject({ code: 0 });
    expect(approved.stdout).toMatch(
      new RegExp(`^${migrationId}: approve-wave done: \\d/6 devices started`, 'm'),
    );
    await until(
      async () => (await listDevices(env.client, migrationId)).filter((d) => !d.running).length === 6,
    );
    const done = await ferry(['status', migrationId], { env: cliEnv });
    expect(lines(done.stdout)).toContain(`[${'#'.repeat(30)}] 6/6 closed`);

    const again = await ferry(['resume', migrationId], { env: cliEnv });
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(
      /^ferry resume: (.*rejected: migration is not paused|migration ".*" has ended \(completed at .*\): its rollout takes no more actions)/,
    );
  });
});

test('when the device list has errors, then start refuses it and starts nothing', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-start-bad-'));
  const file = path.join(stateDir, 'devices.csv');
  writeFileSync(file, 'serial_number,platform,enrollment_kind,user_email\nBAD1,ios,standard,not-an-email\n');
  const run = await ferry(['start', '--name', 'Bad', '--devices', file, '--id', 'never-started'], {
    env: { FERRY_STATE_DIR: stateDir },
  });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/line 2, user_email: .*not an email/);
  expect(run.stdout).toMatch(/REFUSED: .* 1 errors; nothing was started/);
  expect(await listDevices(env.client, 'never-started')).toEqual([]);
  const badFlag = await ferry(['start', '--name', 'x', '--devices', file, '--poll-interval', 'soon']);
  expect(badFlag.code).toBe(2);
  expect(badFlag.stderr.trim()).toBe(
    'ferry start: --poll-interval: "soon" is not a duration of at least 1 second (see ferry start --help)',
  );
});

test('when --id names a running migration, then start returns it; once it has ended, start refuses the id in words', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-start-id-'));
  const file = path.join(stateDir, 'devices.csv');
  writeFileSync(
    file,
    'serial_number,platform,enrollment_kind,user_email\nIDTEST0001,ios,standard,a@corp.example\n',
  );
  const migrationId = `id-test-${Date.now()}`;
  // No worker polls this queue: the migration stays running until the test ends it.
  const cliEnv = { FERRY_STATE_DIR: stateDir, FERRY_TASK_QUEUE: `no-worker-${migrationId}` };
  const start = () =>
    ferry(['start', '--name', 'Id test', '--devices', file, '--id', migrationId], { env: cliEnv });

  const first = await start();
  expect({ code: first.code, stdout: first.stdout.trim() }).toEqual({ code: 0, stdout: migrationId });
  const again = await start();
  expect({ code: again.code, stdout: again.stdout.trim() }).toEqual({ code: 0, stdout: migrationId });

  await env.client.workflow.getHandle(fleetWorkflowId(migrationId)).terminate('test over');
  const ended = await start();
  expect(ended.code).toBe(2);
  expect(ended.stdout).toBe('');
  expect(ended.stderr.trim()).toBe(
    `ferry start: migration ${migrationId} already exists and is finished (terminated); choose another --id (see ferry start --help)`,
  );

  const badId = await ferry(['start', '--name', 'x', '--devices', file, '--id', 'a/b'], { env: cliEnv });
  expect(badId.code).toBe(2);
  expect(badId.stderr.trim()).toBe(
    `ferry start: --id "a/b": use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit (see ferry start --help)`,
  );
});

test('when two migrations of one name start in the same second, then each gets its own id', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-start-twice-'));
  const file = path.join(stateDir, 'devices.csv');
  writeFileSync(
    file,
    'serial_number,platform,enrollment_kind,user_email\nTWICE00001,ios,standard,a@corp.example\n',
  );
  const cliEnv = { FERRY_STATE_DIR: stateDir, FERRY_TASK_QUEUE: `no-worker-twice-${Date.now()}` };
  const runs = await Promise.all(
    [1, 2].map(() => ferry(['start', '--name', 'Same name', '--devices', file], { env: cliEnv })),
  );
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
  const ids = runs.map((r) => r.stdout.trim());
  expect(new Set(ids).size).toBe(2);
  for (const id of ids) {
    expect(id).toMatch(/^same-name-\d{8}-\d{6}-[0-9a-f]{6}$/);
    await env.client.workflow.getHandle(fleetWorkflowId(id)).terminate('test over');
  }
});
