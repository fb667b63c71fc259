import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DefaultLogger,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { MigrationActivities } from '../../src/activities/device';
import type { AbmTargetServerCheck } from '../../src/services/abm/gateway';
import { createFleetActivities } from '../../src/activities/fleet';
import { createPreflightActivities, type PreflightActivityDeps } from '../../src/activities/preflight';
import { createLogger } from '../../src/logger';
import { FileMigrationStore, type MigrationStore } from '../../src/services/device-lists/store';
import { searchAttributeTypes } from '../../src/temporal/dev-server';
import { installRuntime } from '../../src/temporal/runtime';
import { perFile, standIn } from './set-up';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Quiet SDK logs in tests: warnings only, polling answers hidden as in production, and the Rust core's
 * complaints about the time-skipping server's missing capabilities left out.
 */
export function installTestRuntime(): void {
  installRuntime(createLogger({ level: 'warn', name: 'ferry-test' }), 'ERROR');
}

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

/** The suite's shared dev server (started by the global setup): visibility, search attributes, updates. */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  const address = process.env.FERRY_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('FERRY_TEST_TEMPORAL_ADDRESS is unset: run the tests through jest (global setup)');
  return TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace: process.env.FERRY_TEST_NAMESPACE ?? 'default',
  });
}

/** The suite's dev server for this file's tests (torn down after them); read it inside tests. */
export function devServerEnvPerFile(): TestWorkflowEnvironment {
  const start = async () => {
    installTestRuntime();
    return devServerEnv();
  };
  return standIn(perFile('the dev server environment', start, (env) => env.teardown()));
}

/** What a file of fleet tests shares: the suite's dev server and a migration store of its own. */
export interface FleetSuite {
  env: TestWorkflowEnvironment;
  store: FileMigrationStore;
  /** Tears the environment down and deletes the store's folder. */
  close(): Promise<void>;
}

export async function startFleetSuite(dirPrefix: string): Promise<FleetSuite> {
  installTestRuntime();
  const env = await devServerEnv();
  const dir = mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  return {
    env,
    store: new FileMigrationStore(dir),
    close: async () => {
      await env.teardown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fleet suite started before this file's tests and closed after them; read it inside tests. */
export function fleetSuitePerFile(dirPrefix: string): Pick<FleetSuite, 'env' | 'store'> {
  const suite = perFile(
    'the fleet suite',
    () => startFleetSuite(dirPrefix),
    (s) => s.close(),
  );
  return { env: standIn(() => suite().env), store: standIn(() => suite().store) };
}

/** A time-skipping server of this file's own (time skipping is global to one server). */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER_PATH! } },
  });
  // The time-skipping server cannot list search attributes, only add them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: searchAttributeTypes(),
  });
  return env;
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
}

/**
 * A worker on a fresh task queue with the device activities given (a FakeWorld's or the simulated
 * tenants'), the fleet's over `fleet.store` when a migration runs through migrateFleet, and the
 * preflight's when the console's wizard checks a list.
 */
export async function testWorker(
  env: TestWorkflowEnvironment,
  deviceActivities: MigrationActivities,
  options: {
    prefix: string;
    fleet?: { store: MigrationStore; abm?: AbmTargetServerCheck };
    /** The console's preflight (a target client and the store the console saves lists in). */
    preflight?: PreflightActivityDeps;
  },
): Promise<TestWorker> {
  const taskQueue = uniqueTaskQueue(options.prefix);
  const { fleet } = options;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...deviceActivities,
      ...(fleet &&
        createFleetActivities({
          client: env.client,
          store: fleet.store,
          deviceTaskQueue: taskQueue,
          abm: fleet.abm,
        })),
      ...(options.preflight && createPreflightActivities(options.preflight)),
    },
  });
  return { worker, taskQueue };
}
