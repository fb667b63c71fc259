import { Pool } from 'pg';
import { startTestPostgres } from '../helpers/postgres';
import { lastJsonLine, runScript } from '../helpers/script-run';

/**
 * `npm run chaos`, short: 6 devices (seed 4: every Workspace ONE source path, one ADE iPhone through
 * the bulk ABM assignment) with faults on, one SIGKILL of the worker and one of the Temporal dev server
 * (together, once every device but the held one has closed: a condition, not a moment, and the two
 * stalls overlap). It starts its own dev server, so it does not use the suite's. About 2 minutes here.
 */
// About 2 minutes each here; CI machines are slower, and a killed worker's activities wait out a minute.
const TIMEOUT_MS = 480_000;

const chaos = (args: string[]) => runScript('chaos/run.ts', args);

test(
  'when the worker and the dev server are SIGKILLed mid-migration under faults, then every device re-enrolls, nothing is sent twice and nothing leaks',
  async () => {
    const result = await chaos([
      ...['--devices', '6', '--seed', '4', '--worker-kills', '1', '--server-kills', '1'],
      ...['--together', '--kills-at', 'last-device', '--json'],
    ]);
    const report = lastJsonLine(result.stdout);
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

test(
  'when two workers on one task queue share the PostgreSQL store and one is SIGKILLed mid-migration, then the other finishes every device and nothing is done twice',
  async () => {
    const postgres = await startTestPostgres();
    try {
      const result = await chaos([
        ...['--devices', '6', '--seed', '4', '--worker-kills', '1', '--server-kills', '0'],
        ...['--standby-worker', '--store-url', postgres.url, '--json'],
      ]);
      const report = lastJsonLine(result.stdout);
      expect({ code: result.code, report: report ?? result.stderr }).toMatchObject({
        code: 0,
        report: {
          devices: 6,
          matched: 6,
          mismatches: [],
          sourceCommands: 6,
          abmAssigned: 1,
          failedDevices: 0,
          duplicateTokens: 0,
          duplicateCommands: 0,
          workerKills: 1,
          killsMissed: 0,
          workerExits: 0,
          workers: 2,
          store: 'postgres',
          secretsInLogs: 0,
          ok: true,
        },
      });
      // The list the workers read was the database's (the run's state folder had none to offer).
      const pool = new Pool({ connectionString: postgres.url });
      try {
        const { rows } = await pool.query<{ device_count: number }>(
          'SELECT device_count FROM ferry_device_lists WHERE migration_id = $1',
          [report?.migrationId],
        );
        expect(rows).toEqual([{ device_count: 6 }]);
      } finally {
        await pool.end();
      }
      expect(result.stdout + result.stderr).not.toContain(postgres.password);
    } finally {
      await postgres.stop();
    }
  },
  TIMEOUT_MS,
);
