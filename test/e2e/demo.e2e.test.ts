import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/demo/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The README's first command, as a user runs it (here against the suite's dev server, not a new one). */
test('when the demo migrates a small mixed fleet, then it exits 0 and its last line is the JSON summary', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-demo-'));
  const result = await run(['--devices', '8', '--json', '--faults', '5xx=0.05,429=0.05,reset=0.02'], {
    TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS,
    FERRY_STATE_DIR: stateDir,
  });
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toMatchObject({
    code: 0,
    stderr: '',
  });
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(last).toMatchObject({ devices: 8, statuses: expect.objectContaining({ reenrolled: 8, failed: 0 }) });
  expect(result.stdout).toMatch(/devices report: .*-devices\.csv/);
  expect(result.stdout).toMatch(/0 sent twice/);
}, 300_000); // injected faults make activities retry with back-off

test('when the demo is given a flag it does not know, then it exits non-zero with a one-line reason', async () => {
  const result = await run(['--devices', 'many'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(result.code).toBe(2);
  expect(result.stderr.trim()).toBe('ferry demo: --devices: "many" is not a positive whole number');
});

test('when the demo runs out of time, then it cancels what is still running and exits 1 instead of waiting', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-demo-timeout-'));
  const result = await run(['--devices', '4', '--timeout', '1', '--json'], {
    TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS,
    FERRY_STATE_DIR: stateDir,
  });
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/Timed out after 1 s with 4 devices still running: cancelling them\./);
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  // Devices the fleet had not started yet count as such; every started one ends cancelled.
  const { statuses, notStarted } = last as { statuses: Record<string, number>; notStarted: number };
  expect(statuses.failed! + notStarted).toBe(4);
  expect(statuses.reenrolled).toBe(0);
}, 120_000);

test('when --timeout is not a number, then the demo refuses it in one line', async () => {
  const result = await run(['--timeout', 'soon'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(result.code).toBe(2);
  expect(result.stderr.trim()).toBe('ferry demo: --timeout: "soon" is not a positive whole number');
});

const ABM_ACTION = {
  deadline: 'admin: approved the bulk ABM assignment with a migration deadline',
  confirm: 'admin: confirmed ABM reassignment of REH0000000A3',
};

test.each(['deadline', 'confirm'] as const)(
  'when an admin rehearses with their inventory and user list (--abm %s), then the demo migrates exactly those devices',
  async (abm) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-rehearsal-'));
    const fleet = path.join(dir, 'inventory.csv');
    const users = path.join(dir, 'users.csv');
    writeFileSync(
      fleet,
      [
        'Serial Number,Platform,Enrollment Kind,User Email',
        'REH0000000A1,ios,standard,ana@corp.example',
        'REH0000000A2,android,work_profile,bo@corp.example',
        'REH0000000A3,ios,ade,cy@corp.example',
      ].join('\n'),
    );
    writeFileSync(users, 'email\nana@corp.example\ncy@corp.example\n'); // bo is missing on the target
    const result = await run(['--fleet', fleet, '--target-users', users, '--abm', abm, '--json'], {
      TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS,
      FERRY_STATE_DIR: dir,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('admin: created the missing target user of REH0000000A2 and retried it');
    expect(result.stdout).toContain(ABM_ACTION[abm]);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      devices: number;
      statuses: Record<string, number>;
    };
    expect(last.devices).toBe(3);
    expect(last.statuses.reenrolled).toBe(3);
  },
);
