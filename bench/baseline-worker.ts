/**
 * The benchmark's baseline worker (`ts-node --transpile-only bench/baseline-worker.ts`): the baseline
 * workflow and its no-op activities on their own task queue (BENCH_BASELINE_TASK_QUEUE), with the same
 * Temporal address and worker settings as Ferry's worker (src/worker.ts) reads from the environment, so
 * that the production worker never carries benchmark code. Logs "worker running" once it polls.
 */
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { connectWorker } from '../src/temporal/connection';
import { installRuntime } from '../src/temporal/runtime';
import { createBaselineActivities } from './baseline-activities';

async function main(): Promise<void> {
  const config = loadConfig();
  const taskQueue = process.env.BENCH_BASELINE_TASK_QUEUE;
  if (!taskQueue) throw new Error('BENCH_BASELINE_TASK_QUEUE is not set');
  const logger = createLogger({ level: config.logLevel, name: 'ferry-bench-baseline' });
  installRuntime(logger);
  const address = config.temporal.address ?? `127.0.0.1:${config.devServer.port}`;
  const connection = await connectWorker(config.temporal, address);
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue,
      activities: createBaselineActivities(),
      workflowsPath: require.resolve('./baseline-workflow'),
      maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
      shutdownGraceTime: '30 seconds',
    });
    logger.info({ address, taskQueue }, 'worker running');
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench baseline worker: ${(err as Error).message}\n`);
  process.exit(1);
});
