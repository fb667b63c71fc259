import { randomUUID } from 'node:crypto';
import { main } from '../../src/client/cli';
import type { CliIo } from '../../src/client/commands/command';
import { ferry } from './fleet-fixture';

/** How the device-facing commands fail: one line on stderr, no stack, and the documented exit code. */

const UNKNOWN = `no-such-migration-${randomUUID().slice(0, 8)}`;

test('when Temporal cannot be reached, then each command prints one line naming the address and exits 1', async () => {
  const unreachable = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
  const runs = await Promise.all([
    ferry(['status', 'm-1'], { env: unreachable }),
    ferry(['devices', 'm-1'], { env: unreachable }),
    ferry(['retry', 'm-1', '--all'], { env: unreachable }),
    ferry(['report', '--migrations'], { env: unreachable }),
  ]);
  expect(runs.map((r) => [r.code, r.stdout, r.stderr])).toEqual(
    ['status', 'devices', 'retry', 'report'].map((cmd) => [
      1,
      '',
      expect.stringMatching(
        // The refusal itself, not the client's connect timeout that would come 10 s later.
        new RegExp(
          `^ferry ${cmd}: Cannot reach Temporal at 127\\.0\\.0\\.1:1: connect ECONNREFUSED [^\\n]+\\n$`,
        ),
      ),
    ]),
  );
});

test('when the migration has no devices, then the command says so in one line and exits 1', async () => {
  const runs = await Promise.all(
    [['status'], ['devices'], ['report'], ['cancel', '--all']].map(([cmd, ...rest]) =>
      ferry([cmd!, UNKNOWN, ...rest]),
    ),
  );
  expect(runs).toEqual(
    ['status', 'devices', 'report', 'cancel'].map((cmd) => ({
      code: 1,
      stdout: '',
      stderr: `ferry ${cmd}: no such migration "${UNKNOWN}" (no ${cmd === 'status' ? 'migration workflow and no ' : ''}devices found)\n`,
    })),
  );
});

test('when the configuration or the command line is wrong, then one line says why (exit 1 for config, 2 for usage)', async () => {
  const [config, ...usage] = await Promise.all([
    ferry(['status'], { env: { TEMPORAL_TLS: 'maybe' } }),
    ferry(['status', '--bogus']),
    ferry(['status', '--watch']),
    ferry(['status', 'm-1', '--interval', '0']),
    ferry(['report', 'm-1', '--format', 'xml']),
    ferry(['report']),
    ferry(['retry', 'm-1', 'SERIAL1', '--all']),
    ferry(['cancel', 'm-1', '--concurrency', '2.5', '--all']),
    // Refused before the (missing) file is read or Temporal is reached.
    ferry(['start', '--name', 'x', '--devices', 'missing.csv', '--approve-waves', '--concurrency', '5000']),
  ]);
  expect(config.code).toBe(1);
  expect(config.stderr).toMatch(/^ferry status: invalid configuration: TEMPORAL_TLS: [^\n]+\n$/);
  expect(usage.map((r) => [r.code, r.stdout, r.stderr])).toEqual(
    [
      "ferry status: Unknown option '--bogus' (see ferry status --help)",
      'ferry status: --watch needs a MIGRATION (see ferry status --help)',
      'ferry status: --interval: "0" is not a positive number (see ferry status --help)',
      'ferry report: --format: "xml" is not csv or json (see ferry report --help)',
      'ferry report: MIGRATION is required (see ferry report --help)',
      'ferry retry: name SERIALs or select devices with --status/--sub-status/--all, not both (see ferry retry --help)',
      'ferry cancel: --concurrency: "2.5" is not a positive whole number (see ferry cancel --help)',
      'ferry start: invalid rollout: concurrency must be 1 to 1000; approveWaves needs a waveSize (see ferry start --help)',
    ].map((line) => [2, '', `${line}\n`]),
  );
});

test('when --help is asked of a device command, then its usage is printed and it exits 0', async () => {
  const commands = [
    'status',
    'devices',
    'report',
    'confirm-abm',
    'retry',
    'cancel',
    'renotify',
    'reissue-token',
    'end-notice',
  ];
  for (const name of commands) {
    const out: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(`stderr: ${t}`) };
    expect(await main([name, '--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`^Usage: ferry ${name} `));
  }
  const spawned = await ferry(['retry', '--help']);
  expect(spawned.code).toBe(0);
  expect(spawned.stdout).toContain('--all              every device of MIGRATION');
  const top = await ferry(['--help']);
  expect(top.stdout).toMatch(/\n {2}reissue-token +Replace the registration token/);
});
