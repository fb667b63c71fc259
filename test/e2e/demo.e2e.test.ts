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
  // Seed 1's 8 devices: 3 ADE iPhones (one approval moves them all), every user on the target.
  expect(last).toMatchObject({ admin: 'auto', adminActions: [{ action: 'approveAbm' }], notStarted: [] });
  expect(result.stdout).toContain('admin actions: 1 bulk ABM approval, 0 users created and retried');
  expect(result.stdout).toMatch(/devices report: .*-devices\.csv/);
  expect(result.stdout).toMatch(/0 sent twice/);
  // Every user is told before the source retires or wipes their device, on each of the fleet's paths
  // (the source's ledger against the notifier's records).
  expect(last).toMatchObject({
    usersNotified: 8,
    sourceCommandsWithoutNotice: 0,
    sourceCommandsByPath: {
      ios_standard: { devices: 2, withoutNotice: 0 },
      ios_ade_erase: { devices: 3, withoutNotice: 0 },
      android_token: { devices: 1, withoutNotice: 0 },
      android_fully_managed: { devices: 2, withoutNotice: 0 },
    },
  });
  expect(result.stdout).toContain(
    'users: 8 told by message; 0 devices retired or wiped before their user was told',
  );
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
  const { statuses, notYetStarted } = last as { statuses: Record<string, number>; notYetStarted: number };
  expect(statuses.failed! + notYetStarted).toBe(4);
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
const ABM_ACTION_JSON = {
  deadline: { action: 'approveAbm' },
  confirm: { action: 'confirmAbm', serial: 'REH0000000A3' },
};

/** A standard iPhone, an Android whose user the target lacks, an ADE iPhone. */
function writeSmallInventory(dir: string): { fleet: string; users: string } {
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
  return { fleet, users };
}

interface JsonSummary {
  devices: number;
  admin: string;
  statuses: Record<string, number>;
  failedReasons: Record<string, number>;
  notStarted: unknown[];
  notYetStarted: number;
  waitingForAdmin: Record<string, number>;
  adminActions: { action: string; serial?: string }[];
  ok: boolean;
  seconds: number;
}

test.each(['deadline', 'confirm'] as const)(
  'when an admin rehearses with their inventory and user list (--abm %s), then the demo migrates exactly those devices',
  async (abm) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-rehearsal-'));
    const { fleet, users } = writeSmallInventory(dir);
    const result = await run(['--fleet', fleet, '--target-users', users, '--abm', abm, '--json'], {
      TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS,
      FERRY_STATE_DIR: dir,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('admin: created the missing target user of REH0000000A2 and retried it');
    expect(result.stdout).toContain(ABM_ACTION[abm]);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as JsonSummary;
    expect(last.devices).toBe(3);
    expect(last.statuses.reenrolled).toBe(3);
    // In the order the admin acted (the ABM step and the missing user race each other).
    expect(last.adminActions).toHaveLength(3);
    expect(last.adminActions).toEqual(
      expect.arrayContaining([
        ABM_ACTION_JSON[abm],
        { action: 'createTargetUser', serial: 'REH0000000A2' },
        { action: 'retry', serial: 'REH0000000A2' },
      ]),
    );
  },
);

const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** Issue 12's acceptance: unattended, failed devices must not hold the rollout's 2 slots. */
test('when nobody acts (--admin none) on 12 devices, 6 of whose users are missing, 2 at a time, then 6 re-enroll, 6 fail "Target user not found" and the demo exits 0', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-unattended-'));
  const result = await run(
    [
      ...['--fleet', path.join(FIXTURES, 'demo-rehearsal-devices.csv')],
      // The users of the odd-numbered devices only.
      ...['--target-users', path.join(FIXTURES, 'demo-rehearsal-target-users.csv')],
      ...['--concurrency', '2', '--admin', 'none', '--json'],
      // A rollout stalled behind failed devices would wait for ever: end it well before Jest does.
      ...['--timeout', '90'],
    ],
    { TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS, FERRY_STATE_DIR: dir },
  );
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toMatchObject({
    code: 0,
    stderr: '',
  });
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as JsonSummary;
  expect(last).toMatchObject({
    devices: 12,
    admin: 'none',
    statuses: expect.objectContaining({ reenrolled: 6, failed: 6 }),
    failedReasons: { 'Target user not found': 6 },
    notStarted: [],
    notYetStarted: 0,
    waitingForAdmin: { retry: 6 },
    adminActions: [],
    ok: true,
  });
  expect(result.stdout).not.toMatch(/^ {2}admin: /m); // the lines of an admin acting
  expect(result.stdout).toContain(
    '6 devices failed "Target user not found", waiting for an admin to retry (ferry retry) or cancel',
  );
}, 150_000);

test('when nobody acts (--admin none) and an ADE iPhone needs its ABM reassignment confirmed, then the demo stops there and says so', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-unattended-abm-'));
  const { fleet, users } = writeSmallInventory(dir);
  const result = await run(
    ['--fleet', fleet, '--target-users', users, '--abm', 'confirm', '--admin', 'none', '--json'],
    { TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS, FERRY_STATE_DIR: dir },
  );
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toMatchObject({
    code: 0,
    stderr: '',
  });
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as JsonSummary;
  expect(last).toMatchObject({
    statuses: expect.objectContaining({ reenrolled: 1, failed: 1, abm_reassignment_pending: 1 }),
    waitingForAdmin: { retry: 1, confirmAbm: 1 },
    adminActions: [],
    ok: true,
  });
  expect(result.stdout).toContain("1 device waiting for an admin's ABM confirmation (ferry confirm-abm)");
  expect(result.stdout).toContain('1 device failed "Target user not found", waiting for an admin to retry');
}, 120_000);
