import os from 'node:os';
import { readMigrationAudit } from '../../src/client/audit/read-audit';
import { RunAuditCache } from '../../src/client/audit/run-cache';
import { cliRequest } from '../../src/client/cli-actor';
import { runMigrationAction } from '../../src/client/migration-action';
import { fleetHarness, progressOf } from '../fleet/harness';
import { eventually } from '../helpers/eventually';
import { fleetSuitePerFile } from '../helpers/temporal';

/**
 * The audit of a fleet that continued as new: its start is read from the first run, later actions from
 * later runs (walked back from the latest), and a second read takes the closed runs from the cache.
 */

const { env, store } = fleetSuitePerFile('ferry-audit-');
const { withFleet } = fleetHarness(env, store);

test('when a fleet continued as new, then its audit lists the start and every action from their runs, closed runs cached', async () => {
  await withFleet(
    6,
    { batchSize: 1, batchesPerRun: 1, approveWaves: true, waveSize: 3 },
    async (f) => {
      await eventually(
        () => progressOf(f.handle),
        (p) => p.waitingForWaveApproval && p.run >= 3,
        'wave 2 to wait',
      );
      const cache = new RunAuditCache();
      const first = await readMigrationAudit(env.client, f.migrationId, { cache });
      expect(first.entries.map((e) => e.action)).toEqual(['start']);
      const closedRuns = cache.size;
      expect(closedRuns).toBeGreaterThanOrEqual(2);
      // A closed run is not read again: what the cache holds for the first run is what the next read shows.
      const firstRun = cache.get(f.handle.firstExecutionRunId)!;
      cache.set(f.handle.firstExecutionRunId, {
        ...firstRun,
        entries: firstRun.entries.map((e) => ({ ...e, answer: `${e.answer} (cached)` })),
      });

      const request = cliRequest(env.client, 'TICKET-9', 'maintenance window');
      expect((await runMigrationAction(env.client, f.migrationId, 'pause', request)).ok).toBe(true);
      expect((await runMigrationAction(env.client, f.migrationId, 'pause', request)).ok).toBe(false);
      expect((await runMigrationAction(env.client, f.migrationId, 'resume', request)).ok).toBe(true);

      const progress: [number, number][] = [];
      const audit = await readMigrationAudit(env.client, f.migrationId, {
        cache,
        concurrency: 2,
        onProgress: (read, total) => progress.push([read, total]),
      });
      expect(progress).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(audit.entries.map((e) => [e.action, e.outcome])).toEqual([
        ['start', 'done'],
        ['pause', 'done'],
        ['resume', 'done'],
      ]);
      const [start, paused] = audit.entries;
      expect(start!.runId).toBe(f.handle.firstExecutionRunId);
      expect(paused!.runId).not.toBe(start!.runId);
      expect(paused).toMatchObject({
        target: { kind: 'migration', migrationId: f.migrationId },
        who: {
          name: 'TICKET-9',
          via: 'cli',
          osLogin: os.userInfo().username,
          temporalIdentity: env.client.options.identity,
        },
        reason: 'maintenance window',
        answer: expect.stringMatching(/^pause done: .*paused by TICKET-9/),
      });
      expect(start!.answer).toBe('started "test fleet" with 6 devices (cached)');
      expect(audit.histories).toBe(closedRuns + 1 + 3);
    },
    true,
  );
});
