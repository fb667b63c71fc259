import { randomUUID } from 'node:crypto';
import { cliStore } from '../../client/migration-files';
import type { PreflightReport } from '../../activities/preflight';
import type { DeviceInput, MigrationOptions } from '../../workflows/device/messages';
import { PREFLIGHT_WORKFLOW, type PreflightRequest } from '../../workflows/preflight/messages';
import type { preflightDeviceList } from '../../workflows/preflight/workflow';
import type { ConsoleContext } from './context';
import { ApiError } from './errors';

/**
 * `ferry preflight`'s checks for the wizard, run by a worker through Temporal: the console holds no
 * tenant credentials. The list goes to the migration store (as `ferry start` saves it), the worker
 * reads it there, and it is removed once the answer is in.
 */

/** A worker answers in seconds; a list of 10,000 users takes a few minutes of lookups. */
const ANSWER_MS = 5 * 60_000;

export async function preflightThroughTemporal(
  context: ConsoleContext,
  devices: DeviceInput[],
  options: MigrationOptions,
): Promise<PreflightReport> {
  const listId = `preflight-${randomUUID()}`;
  const store = await cliStore();
  await store.saveDeviceList(listId, devices);
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await context.client.workflow.start<typeof preflightDeviceList>(PREFLIGHT_WORKFLOW, {
      taskQueue: context.taskQueue,
      workflowId: `preflight/${listId}`,
      args: [{ listId, options } satisfies PreflightRequest],
      workflowExecutionTimeout: ANSWER_MS,
    });
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void handle.terminate('no answer in time').catch(() => undefined);
        reject(
          new ApiError(
            504,
            'no_answer',
            `no worker answered the preflight within ${ANSWER_MS / 60_000} minutes (is a Ferry worker polling task queue ${context.taskQueue}?)`,
          ),
        );
      }, ANSWER_MS);
    });
    return await Promise.race([handle.result(), late]);
  } finally {
    clearTimeout(timer);
    await store.removeMigration(listId).catch(() => undefined);
  }
}

/** The checklist for a page: each check ok or not, in `ferry preflight`'s words, and the devices that would fail or wait. */
export function preflightView(report: PreflightReport) {
  return {
    checks: report.checks.map((c) => ({
      name: c.name,
      ok: c.result !== 'failed',
      result: c.result,
      message: c.detail,
    })),
    devices: report.devices,
    total: report.total,
    ready: !report.devices.some((d) => d.blocking),
  };
}
