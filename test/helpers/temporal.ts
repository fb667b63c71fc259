import { randomUUID } from 'node:crypto';
import { DefaultLogger, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLogger } from '../../src/logger';
import { searchAttributeTypes } from '../../src/temporal/dev-server';
import { installRuntime } from '../../src/temporal/runtime';

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
