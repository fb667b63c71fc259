import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ABM, DONE, MISS, MISSING_EMAIL, WAIT, ferry, lines, fleetPerFile } from './fleet-fixture';

/**
 * Acting on a migration with the CLI as an admin would, in order: retry the failed device once its
 * user exists, confirm ABM, cancel the rest while `status --watch` looks on, then export the reports.
 */

const fleet = fleetPerFile();
let M: string;
beforeAll(() => (M = fleet.migrationId));

test('when the missing user is created, then retry --status failed retries the device and it finishes', async () => {
  fleet.world.addUser(MISSING_EMAIL);
  const run = await ferry(['retry', M, '--status', 'failed', '--by', 'tester', '--reason', 'user created']);
  expect({ code: run.code, out: lines(run.stdout), err: run.stderr }).toEqual({
    code: 0,
    out: [`${MISS} retried: now getting_ready`, 'retry: 1 done, 0 skipped, 0 failed'],
    err: '',
  });
  const state = await fleet.handles.get(MISS)!.result();
  expect(state.status).toBe('reenrolled');
  expect(state.adminActions).toContainEqual(
    expect.objectContaining({ action: 'retry requested', by: 'tester', reason: 'user created' }),
  );
});

test('when ABM is confirmed, then the ADE device moves on to ade_sync', async () => {
  const run = await ferry(['confirm-abm', M, ABM.toLowerCase()]);
  expect({ code: run.code, out: lines(run.stdout) }).toEqual({
    code: 0,
    out: [
      `${ABM} ABM reassignment confirmed: now abm_reassignment_pending`,
      'confirm-abm: 1 done, 0 skipped, 0 failed',
    ],
  });
  await fleet.visibleWhen((d) => d.get(ABM)?.status === 'ade_sync');
});

test('when status --watch runs while the open devices are cancelled, then it redraws until every device is closed', async () => {
  await fleet.visibleWhen((d) => d.get(MISS)?.running === false);
  let sawFirstBlock!: () => void;
  const firstBlock = new Promise<void>((resolve) => (sawFirstBlock = resolve));
  const watching = ferry(['status', M, '--watch', '--interval', '0.3'], {
    onStdout: (out) => {
      if (out.includes('closed\n')) sawFirstBlock();
    },
  });
  await firstBlock;
  const cancel = await ferry(['cancel', M, WAIT, ABM, '--reason', 'device lost']);
  expect({ code: cancel.code, out: lines(cancel.stdout).sort() }).toEqual({
    code: 0,
    out: [
      `${ABM} cancelled: now failed (Cancelled by admin)`,
      `${WAIT} cancelled: now failed (Cancelled by admin)`,
      'cancel: 2 done, 0 skipped, 0 failed',
    ],
  });
  expect(fleet.world.callsOf('revokeRegistrationTokens')).toEqual([{ serialNumber: WAIT }]);
  const watch = await watching;
  expect(watch.code).toBe(0);
  const progress = lines(watch.stdout).filter((l) => l.endsWith(' closed'));
  expect(progress[0]).toMatch(/\] 2\/4 closed$/);
  expect(progress.at(-1)).toBe(`[${'#'.repeat(30)}] 4/4 closed`);
  expect(watch.stdout).toContain('      2  Cancelled by admin');
});

test('when reports are asked, then the devices report has a row per device with status timestamps, and the migrations report counts them', async () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-report-')), 'nested', 'devices.csv');
  const [csv, json, migrations] = await Promise.all([
    ferry(['report', M, '--format', 'csv', '--out', out]),
    ferry(['report', M, '--format', 'json']),
    ferry(['report', '--migrations', '--format', 'json']),
  ]);
  expect({ code: csv.code, out: csv.stdout, err: csv.stderr }).toEqual({
    code: 0,
    out: `devices report: ${out} (4 devices)\n`,
    err: '',
  });
  const [header, ...rows] = readFileSync(out, 'utf8').trimEnd().split('\r\n');
  const columns = header!.split(',');
  expect(columns.slice(0, 9)).toEqual([
    'migration_id',
    'serial_number',
    'platform',
    'path',
    'status',
    'sub_status',
    'target_user',
    'tokens_issued',
    'abm_deadline',
  ]);
  expect(columns).toEqual(expect.arrayContaining(['getting_ready_at', 'failed_at', 'reenrolled_at']));
  const done = Object.fromEntries(columns.map((c, i) => [c, rows[1]!.split(',')[i]]));
  expect(done).toMatchObject({
    serial_number: DONE,
    status: 'reenrolled',
    path: 'ios_standard',
    tokens_issued: '1',
  });
  expect(done.reenrolled_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const devices = JSON.parse(json.stdout) as Record<string, string>[];
  expect(devices.map((d) => [d.serial_number, d.status])).toEqual([
    [ABM, 'failed'],
    [DONE, 'reenrolled'],
    [MISS, 'reenrolled'],
    [WAIT, 'failed'],
  ]);
  // The retried device passed failed on its way to reenrolled, and the report says when.
  const retried = devices.find((d) => d.serial_number === MISS)!;
  expect(Date.parse(retried.failed_at!)).toBeLessThan(Date.parse(retried.reenrolled_at!));

  const row = JSON.parse(migrations.stdout).find((m: { migration_id: string }) => m.migration_id === M);
  expect(row).toMatchObject({ devices: 4, open: 0, reenrolled: 2, failed: 2, getting_ready: 0 });
});
