import os from 'node:os';
import { abmReassignmentConfirmed } from '../../src/workflows/device/messages';
import { parseSince } from '../../src/client/audit/since';
import { ABM, DONE, MISS, MISSING_EMAIL, WAIT, ferry, fleetPerFile, lines } from '../cli/fleet-fixture';

/**
 * `ferry audit` reads what the CLI's actions recorded in the device workflows' histories: the --by name,
 * the OS login, the Temporal client identity, the reason and each workflow's answer. An action a
 * validator refused leaves no history, and the legacy signal is listed as a signal.
 */

const fleet = fleetPerFile();

interface Entry {
  at: string;
  action: string;
  target: { kind: string; serial?: string };
  who: { name?: string; via?: string; osLogin?: string; temporalIdentity?: string };
  reason?: string;
  outcome: string;
  answer: string;
}

test('when an admin acts with the CLI, then ferry audit lists each accepted action with its sender and the answer', async () => {
  const M = fleet.migrationId;
  fleet.world.addUser(MISSING_EMAIL);
  const retried = await ferry(['retry', M, MISS, '--by', 'TICKET-7', '--reason', 'user created']);
  expect(retried.code).toBe(0);
  // Refused by the device's validator: nothing is recorded.
  const refused = await ferry(['retry', M, ABM, '--reason', 'not failed']);
  expect(lines(refused.stdout)[0]).toBe(`${ABM} skipped: rejected: device is abm reassignment pending`);
  const cancelled = await ferry(['cancel', M, WAIT, '--reason', '=HYPERLINK("x")']);
  expect(cancelled.code).toBe(0);
  await fleet.env.client.workflow
    .getHandle(fleet.handles.get(ABM)!.workflowId)
    .signal(abmReassignmentConfirmed, {
      by: 'bench',
    });
  await fleet.visibleWhen((d) => d.get(WAIT)?.running === false);

  const run = await ferry(['audit', M, '--json']);
  expect(run.code).toBe(0);
  const audit = JSON.parse(run.stdout) as { migrationId: string; histories: number; entries: Entry[] };
  expect(audit.histories).toBe(4);
  const login = os.userInfo().username;
  const cli = {
    via: 'cli',
    osLogin: login,
    // The CLI names itself to Temporal: program, OS login, host and process.
    temporalIdentity: expect.stringMatching(`^ferry-cli:${login}@${os.hostname()}:\\d+$`),
  };
  expect(audit.entries).toEqual([
    expect.objectContaining({
      action: 'retry',
      target: { kind: 'device', serial: MISS },
      who: { name: 'TICKET-7', ...cli },
      reason: 'user created',
      outcome: 'done',
      answer: 'retried: now getting_ready',
    }),
    expect.objectContaining({
      action: 'cancel',
      target: { kind: 'device', serial: WAIT },
      who: { name: login, ...cli },
      reason: '=HYPERLINK("x")',
      outcome: 'done',
      answer: 'cancelled: now failed (Cancelled by admin)',
    }),
    expect.objectContaining({
      action: 'confirm-abm (signal)',
      target: { kind: 'device', serial: ABM },
      who: expect.objectContaining({ name: 'bench' }),
      outcome: 'done',
    }),
  ]);
  expect(audit.entries.map((e) => e.target.serial)).not.toContain(DONE);

  const csv = await ferry(['audit', M, '--csv']);
  const rows = csv.stdout.trimEnd().split('\r\n');
  expect(rows[0]).toBe(
    'at,by,via,subject,role,os_login,temporal_identity,action,target,reason,outcome,answer',
  );
  expect(rows[2]).toContain(`,cancel,${WAIT},"'=HYPERLINK(""x"")",done,`);

  const text = await ferry(['audit', M]);
  expect(lines(text.stdout)[0]).toMatch(
    new RegExp(
      `^\\S+ retry ${MISS} by TICKET-7 \\(cli, login ${login}, ferry-cli:\\S+\\) because "user created": retried: now getting_ready$`,
    ),
  );
  expect(lines(text.stdout).at(-1)).toBe('3 actions in 4 workflow histories');

  const later = await ferry(['audit', M, '--json', '--since', new Date(Date.now() + 60_000).toISOString()]);
  expect((JSON.parse(later.stdout) as { entries: Entry[] }).entries).toEqual([]);
});

test('when the audit is asked wrongly, then it says why', async () => {
  const noSuch = await ferry(['audit', 'no-such-migration-x']);
  expect({ code: noSuch.code, err: noSuch.stderr.trim() }).toEqual({
    code: 1,
    err: expect.stringContaining('no such migration "no-such-migration-x"'),
  });
  const bad = await ferry(['audit', fleet.migrationId, '--since', 'yesterday-ish']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--since: "yesterday-ish" is not an ISO 8601 date');
  expect(parseSince('2 days', Date.UTC(2026, 0, 3))?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  expect(parseSince('2026-11-30T08:00Z')?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
});
