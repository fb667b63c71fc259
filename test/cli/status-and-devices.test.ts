import { getDeviceState } from '../../src/workflows/device/messages';
import { ABM, DONE, MISS, WAIT, ferry, lines, fleetPerFile } from './fleet-fixture';

/**
 * Looking at a migration with the CLI, and actions that do not fit a device: `ferry status`,
 * `ferry devices`, skipped and rejected actions, on four real device workflows in different statuses.
 */

const fleet = fleetPerFile();
let M: string;
beforeAll(() => (M = fleet.migrationId));

test('when devices are in several statuses, then status counts them in lifecycle order with progress and failure reasons', async () => {
  const [human, json, migrations, report] = await Promise.all([
    ferry(['status', M]),
    ferry(['status', M, '--json']),
    ferry(['status', '--json']),
    ferry(['report', M, '--format', 'json']),
  ]);
  expect(human.code).toBe(0);
  expect(lines(human.stdout)).toEqual([
    `Migration ${M}: 4 devices, 3 open`,
    expect.stringMatching(/^ {2}abm_reassignment_pending +1$/),
    expect.stringMatching(/^ {2}reenrolling +1$/),
    expect.stringMatching(/^ {2}reenrolled +1$/),
    expect.stringMatching(/^ {2}failed +1$/),
    `[${'#'.repeat(8)}${'.'.repeat(22)}] 1/4 closed`,
    'Failed devices by reason:',
    '      1  Target user not found',
    // Devices started without a migration workflow: no rollout, no slots' size, no stored list.
    'In flight: 2 in flight: 1 waiting for users, 1 waiting for ABM; 1 failed waiting for an admin (not holding slots)',
  ]);
  expect(JSON.parse(json.stdout)).toEqual({
    migrationId: M,
    state: 'no_fleet',
    devices: 4,
    open: 3,
    closed: 1,
    statuses: { abm_reassignment_pending: 1, reenrolling: 1, reenrolled: 1, failed: 1 },
    failedReasons: { 'Target user not found': 1 },
    inFlight: {
      holdingSlots: 2,
      groups: { 'waiting for users': 1, 'waiting for ABM': 1 },
      failedWaitingForAdmin: 1,
      waitingForAbmApproval: 0,
    },
    notStarted: { count: 0, devices: [] },
    stored: { dir: expect.any(String), bytes: 0 },
  });
  const listed = JSON.parse(migrations.stdout).migrations.find(
    (m: { migrationId: string }) => m.migrationId === M,
  );
  expect(listed).toMatchObject({
    devices: 4,
    open: 3,
    counts: { failed: 1, reenrolled: 1, getting_ready: 0 },
  });
  // Open devices answer the report through their query: the history so far, timestamped.
  const rows = JSON.parse(report.stdout) as Record<string, string>[];
  expect(rows.map((r) => [r.serial_number, r.status])).toEqual([
    [ABM, 'abm_reassignment_pending'],
    [DONE, 'reenrolled'],
    [MISS, 'failed'],
    [WAIT, 'reenrolling'],
  ]);
  const waiting = rows.find((r) => r.serial_number === WAIT)!;
  expect(waiting.reenrolling_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(waiting.reenrolled_at).toBe('');
});

test('when devices are listed, then they are sorted by serial and --status / --sub-status filter them', async () => {
  const [all, failed, bySub, bad] = await Promise.all([
    ferry(['devices', M]),
    ferry(['devices', M, '--status', 'failed']),
    ferry(['devices', M, '--sub-status', 'user NOT found', '--json']),
    ferry(['devices', M, '--status', 'done']),
  ]);
  expect(all.code).toBe(0);
  expect(lines(all.stdout).map((l) => l.split(/ {2,}/))).toEqual([
    ['SERIAL', 'PLATFORM', 'STATUS', 'SUB-STATUS'],
    [ABM, 'ios', 'abm_reassignment_pending', 'waiting for admin confirmation or ABM'],
    [DONE, 'ios', 'reenrolled'],
    [MISS, 'ios', 'failed', 'Target user not found'],
    [WAIT, 'android', 'reenrolling', expect.stringMatching(/^token valid until /)],
    ['4 devices'],
  ]);
  expect(lines(failed.stdout).slice(1)).toEqual([
    expect.stringMatching(new RegExp(`^${MISS} `)),
    '1 of 4 devices',
  ]);
  expect(JSON.parse(bySub.stdout)).toEqual([
    expect.objectContaining({
      serialNumber: MISS,
      status: 'failed',
      subStatus: 'Target user not found',
      open: true,
    }),
  ]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(
    /^ferry devices: --status: unknown status "done" \(one of getting_ready, .*, failed, not_started\)/,
  );
});

test('when an action does not fit a device, then it is skipped with the reason; a missing device fails the run', async () => {
  const [retry, confirm, renotify, reissue, noTarget] = await Promise.all([
    ferry(['retry', M, DONE, WAIT, 'NOPE000001']),
    ferry(['confirm-abm', M, '--status', 'reenrolling']),
    ferry(['renotify', M, WAIT, '--by', 'tester']),
    ferry(['reissue-token', M, WAIT, '--json']),
    ferry(['cancel', M]),
  ]);
  expect({ code: retry.code, lines: lines(retry.stdout).sort() }).toEqual({
    code: 1,
    lines: [
      `${DONE} skipped: workflow closed`,
      `${WAIT} skipped: rejected: device is reenrolling`,
      'NOPE000001 failed: no such device in this migration',
      'retry: 0 done, 2 skipped, 1 failed',
    ],
  });
  expect({ code: confirm.code, out: lines(confirm.stdout) }).toEqual({
    code: 0,
    out: [
      `${WAIT} skipped: rejected: device is not bound to ADE`,
      'confirm-abm: 0 done, 1 skipped, 0 failed',
    ],
  });
  expect(lines(renotify.stdout)).toEqual([
    `${WAIT} user notified again: now reenrolling`,
    'renotify: 1 done, 0 skipped, 0 failed',
  ]);
  expect(JSON.parse(reissue.stdout)).toEqual({
    action: 'reissue-token',
    migrationId: M,
    done: 1,
    skipped: 0,
    failed: 0,
    results: [
      {
        serialNumber: WAIT,
        outcome: 'done',
        status: 'reenrolling',
        subStatus: expect.stringMatching(/^token valid until /),
      },
    ],
  });
  expect(fleet.world.tokens.filter((t) => t.serialNumber === WAIT)).toHaveLength(2);
  expect(noTarget.code).toBe(2);
  expect(noTarget.stderr).toContain('or pass --all to act on every device');
  const state = await fleet.handles.get(WAIT)!.query(getDeviceState);
  expect(state.adminActions).toContainEqual(
    expect.objectContaining({ action: 're-notify requested', by: 'tester' }),
  );
});
