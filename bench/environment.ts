import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Children } from '../chaos/children';
import { childEnvironment } from '../chaos/environment';
import { startSimulatorsProcess, type SimulatorsProcess } from '../chaos/simulators-process';
import { ChaosWorker } from '../chaos/worker-process';
import { loadConfig } from '../src/config';
import { connectClient } from '../src/temporal/connection';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/free-port';

/**
 * What one benchmark run stands on: a fresh in-memory dev server, the simulators in their own process
 * (`--instant`: zero latency, no faults), Ferry's worker as a process, and for the baseline its own
 * worker process on its own task queue. Every process is a child of the run, killed when it ends.
 */
export interface BenchEnvironment {
  stateDir: string;
  server: DevServer;
  sims: SimulatorsProcess;
  client: Client;
  /** The environment the worker and `ferry` run with (the simulators', the server's, the task queue). */
  env: NodeJS.ProcessEnv;
  taskQueue: string;
  worker: ChaosWorker;
  baselineTaskQueue: string;
  baselineWorker?: ChaosWorker;
  stop(): Promise<void>;
}

export async function startBenchEnvironment(
  children: Children,
  options: {
    devices: number;
    baseline: boolean;
    seed: number;
    adeOnly?: boolean;
    /** FERRY_ settings for Ferry's worker only (`--worker-env`). */
    workerEnv?: Record<string, string>;
    /** Ferry's worker from `dist/worker.js` (`--compiled-worker`). */
    compiledWorker?: boolean;
    /** A folder for the compiled worker's CPU profile (`--profile-worker`). */
    profileWorker?: string;
    say: (m: string) => void;
  },
): Promise<BenchEnvironment> {
  const { say } = options;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
  const dir = (name: string) => {
    const d = path.join(stateDir, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };
  const logs = dir('logs');
  const server = await startDevServer({
    stateDir: dir('temporal'),
    port: await freePort(),
    uiPort: false,
    dbFile: null,
    startTimeoutMs: 120_000,
    cliPath: process.env.TEMPORAL_CLI_PATH,
  });
  if (server.pid !== undefined) children.adopt(server.pid);
  say(`Temporal dev server (in memory) at ${server.address}; state folder ${stateDir}`);
  const sims = await startSimulatorsProcess(children, {
    devices: options.devices,
    source: 'ws1',
    seed: options.seed,
    stateDir: dir('simulators'),
    logFile: path.join(logs, 'simulators.log'),
    instant: true,
    adeOnly: options.adeOnly,
  });
  say(`Simulators running in their own process (${options.devices} devices, instant, no faults)`);
  const taskQueue = `bench-${process.pid}`;
  const baselineTaskQueue = `bench-baseline-${process.pid}`;
  const env = childEnvironment({
    ...sims.env,
    TEMPORAL_ADDRESS: server.address,
    FERRY_STATE_DIR: dir('ferry'),
    FERRY_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'info',
  });
  env.BENCH_BASELINE_TASK_QUEUE = baselineTaskQueue;
  const config = loadConfig(env);
  const client = await connectClient(config.temporal, server.address);
  const workerScript = options.compiledWorker ? 'dist/worker.js' : 'src/worker.ts';
  if (options.compiledWorker && !existsSync(path.resolve(workerScript))) {
    throw new Error(`--compiled-worker: ${workerScript} is missing; run npm run build first`);
  }
  const worker = new ChaosWorker(
    children,
    { ...env, ...options.workerEnv },
    path.join(logs, 'worker.log'),
    workerScript,
    options.profileWorker ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.profileWorker)] : [],
  );
  const baselineWorker = options.baseline
    ? new ChaosWorker(children, env, path.join(logs, 'baseline-worker.log'), 'bench/baseline-worker.ts')
    : undefined;
  await Promise.all([worker.start(), baselineWorker?.start()]);
  say(
    `Ferry's worker (pid ${worker.pid})${baselineWorker ? ` and the baseline worker (pid ${baselineWorker.pid})` : ''} running`,
  );
  return {
    stateDir,
    server,
    sims,
    client,
    env,
    taskQueue,
    worker,
    baselineTaskQueue,
    baselineWorker,
    stop: async () => {
      await Promise.all([worker.stop(), baselineWorker?.stop()]);
      await client.connection.close();
      await sims.stop();
      const pid = server.pid;
      await server.stop();
      if (pid !== undefined) children.forget(pid);
      // Only a run that got this far removes its folder: a failed one keeps its logs there.
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
