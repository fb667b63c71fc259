import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileMigrationStore } from '../../../src/services/device-lists/store';
import { FakeWorld } from '../../helpers/fake-world';
import { perFile, standIn } from '../../helpers/set-up';
import { devServerEnv, installTestRuntime, testWorker } from '../../helpers/temporal';
import { openConsole, type ConsoleSession } from './console-fixture';

/**
 * What the console's route tests drive: the suite's dev server, a worker running migrations (fleet
 * and devices) over a FakeWorld and a state folder of its own, and the console on that folder and task
 * queue, as `ferry console` would run beside the workers.
 */

export const CSV_HEADER = 'serial_number,platform,enrollment_kind,user_email';

export interface ConsoleWorld {
  world: FakeWorld;
  console: ConsoleSession;
  taskQueue: string;
  stateDir: string;
  /** Uploads the rows (after the header) and starts them; resolves to the migration id. */
  start(name: string, rows: string[], options?: Record<string, string | number | boolean>): Promise<string>;
  close(): Promise<void>;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  installTestRuntime();
  const env = await devServerEnv();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-'));
  // The console reads the migration store as the CLI does, from the environment.
  const previous = process.env.FERRY_STATE_DIR;
  process.env.FERRY_STATE_DIR = stateDir;
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'console',
    fleet: { store: new FileMigrationStore(stateDir) },
  });
  const running = worker.run();
  const console = await openConsole(env, taskQueue);
  return {
    world,
    console,
    taskQueue,
    stateDir,
    async start(name, rows, options = {}) {
      const upload = await console.request({
        method: 'POST',
        url: '/api/uploads',
        headers: { 'content-type': 'text/csv' },
        payload: [CSV_HEADER, ...rows].join('\n'),
      });
      const { uploadId, ok } = upload.json() as { uploadId: string; ok: boolean };
      if (!ok) throw new Error(`upload refused: ${upload.body}`);
      const started = await console.post('/api/migrations', { uploadId, name, options });
      if (started.statusCode !== 200) throw new Error(`start refused: ${started.body}`);
      return (started.json() as { id: string }).id;
    },
    async close() {
      await console.app.close();
      worker.shutdown();
      await running;
      await env.teardown();
      if (previous === undefined) delete process.env.FERRY_STATE_DIR;
      else process.env.FERRY_STATE_DIR = previous;
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The console world for this file's tests; read it inside tests. */
export function consoleWorldPerFile(): ConsoleWorld {
  return standIn(perFile('the console world', startConsoleWorld, (w) => w.close()));
}
