import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run chaos`, short: 6 devices (seed 4: every Workspace ONE source path, one ADE iPhone through
 * the bulk ABM assignment) with faults on, one SIGKILL of the worker and one of the Temporal dev server
 * (together, once every device but the held one has closed: a condition, not a moment, and the two
 * stalls overlap). It starts its own dev server, so it does not use the suite's. About 2 minutes here.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const TIMEOUT_MS = 300_000;

function chaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'chaos/run.ts', ...args],
      { cwd: ROOT, env: process.env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(
  'when the worker and the dev server are SIGKILLed mid-migration under faults, then every device re-enrolls, nothing is sent twice and nothing leaks',
  async () => {
    const result = await chaos([
      ...['--devices', '6', '--seed', '4', '--worker-kills', '1', '--server-kills', '1'],
      ...['--together', '--kills-at', 'last-device', '--json'],
    ]);
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    let report: Record<string, unknown> | undefined;
    try {
      report = JSON.parse(last) as Record<string, unknown>;
    } catch {
      report = undefined;
    }
    // The progress lines (stderr) say where a failed run stopped.
    expect({ code: result.code, report: report ?? result.stderr }).toMatchObject({
      code: 0,
      report: {
        devices: 6,
        expected: 6,
        matched: 6,
        mismatches: [],
        paths: {
          ios_ade_erase: 1,
          ios_standard: 2,
          android_token: 2,
          android_fully_managed: 1,
        },
        // Each device retired or wiped once, the ADE iPhone assigned in ABM once.
        sourceCommands: 6,
        abmAssigned: 1,
        failedDevices: 0,
        transientFailures: 0,
        duplicateTokens: 0,
        duplicateCommands: 0,
        workerKills: 1,
        serverKills: 1,
        killsMissed: 0,
        plaintextEmailsInHistory: 0,
        secretsInHistory: 0,
        secretsInLogs: 0,
        emailsInLogs: 0,
        payloadEncryption: true,
        admin: { actions: ['approve-abm'] },
        ok: true,
      },
    });
    // Every workflow was read: the fleet's and the six devices'.
    expect(report?.histories).toBe(7);
    expect(report?.seconds).toEqual(expect.any(Number));
  },
  TIMEOUT_MS,
);
