import type { Client } from '@temporalio/client';
import { listDevices } from '../src/client/commands/visibility';
import { fleetWorkflowId } from '../src/workflows/fleet/messages';
import { sleep } from './children';
import { progressOf, type PlannedKill } from './kill-plan';
import type { ChaosTemporalServer } from './temporal-server';
import type { ChaosWorker } from './worker-process';

export interface DriveResult {
  workerKills: number;
  serverKills: number;
  killsMissed: number;
  timedOut: boolean;
}

/** How long the server stays dead before it is started again (the worker and CLI keep retrying). */
const SERVER_DOWN_MS = 3_000;

/**
 * Follows the migration until its fleet workflow closes, firing each planned kill once progress has
 * reached its point and the previous kill has recovered (the worker polling again, the server
 * answering again), and restarting a worker that exits by itself.
 */
export async function driveMigration(input: {
  client: Client;
  migrationId: string;
  devices: number;
  kills: PlannedKill[];
  worker: ChaosWorker;
  /** With a standby worker on the task queue, a killed worker stays dead: the standby takes over. */
  restartWorker: boolean;
  server: ChaosTemporalServer;
  deadline: number;
  /** Lets the device the run holds go: called once no kill is left to make. */
  release: () => Promise<void>;
  say: (message: string) => void;
}): Promise<DriveResult> {
  const { client, migrationId, devices, worker, server, say } = input;
  const pending = [...input.kills];
  let held = true;
  const result: DriveResult = { workerKills: 0, serverKills: 0, killsMissed: 0, timedOut: false };
  let lastLine = '';
  for (;;) {
    if (held && pending.length === 0) {
      await input.release();
      held = false;
      say('  every kill made: the held device may enroll now');
    }
    if (worker.down && input.restartWorker) {
      say('  the worker exited by itself: starting another');
      await worker.start();
    }
    const rows = await listDevices(client, migrationId).catch(() => undefined);
    const fleetOpen = await client.workflow
      .getHandle(fleetWorkflowId(migrationId))
      .describe()
      .then((d) => d.status.name === 'RUNNING')
      .catch(() => true);
    if (!fleetOpen) break;
    if (Date.now() > input.deadline) {
      result.timedOut = true;
      break;
    }
    if (rows) {
      const closed = rows.filter((r) => !r.running).length;
      const progress = progressOf(devices, rows.length, closed);
      const line = `  ${rows.length}/${devices} started, ${closed} closed`;
      if (line !== lastLine) say((lastLine = line));
      const next = pending[0];
      if (next && progress >= next.atProgress) {
        pending.shift();
        const at = `${Math.round(progress * 100)}%`;
        if (next.target !== 'server') {
          await worker.kill();
          result.workerKills++;
          say(`  SIGKILL worker at ${at} (kill ${result.workerKills})`);
        }
        if (next.target !== 'worker') {
          await server.kill();
          result.serverKills++;
          say(`  SIGKILL Temporal dev server at ${at}; restarting it on its SQLite file and port`);
          await sleep(SERVER_DOWN_MS);
          await server.restart();
        }
        if (next.target !== 'server' && input.restartWorker) {
          await worker.start();
          say('  worker restarted on the same state');
        }
        continue;
      }
    }
    await sleep(1_000);
  }
  result.killsMissed = pending.length;
  return result;
}
