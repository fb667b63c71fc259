import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import pLimit from 'p-limit';
import { sleep } from '../chaos/children';
import { adminCall } from '../chaos/simulators-process';
import { REHEARSAL_DURATIONS, TARGET_TENANT } from '../src/demo/world';
import { deviceStart, startDeviceMigration } from '../src/temporal/start-device';
import { quoted } from '../src/temporal/visibility-queries';
import {
  DEFAULT_MIGRATION_OPTIONS,
  abmReassignmentConfirmed,
  deviceWorkflowId,
  type AdminRequest,
  type DeviceInput,
  type MigrationOptions,
} from '../src/workflows/device/messages';
import type { migrateDevice } from '../src/workflows/device/workflow';
import { FerryMigrationId, FerrySerial, FerryStatus } from '../src/workflows/search-attributes';
import { baselineShapeOf } from './baseline-shape';
import type { baselineDevice } from './baseline-workflow';
import { apiCallsPerDevice, readRequestCounts, type ApiCallFigures } from './api-calls';
import type { BenchEnvironment } from './environment';
import { sampleHistories, type HistoryFigures } from './histories';
import { cpuMs, peakRssMb, percentile, resetPeakRss, round1 } from './measure';

/** One phase's figures: each phase migrates (or imitates) the same number of devices. */
export interface PhaseFigures {
  devices: number;
  completed: number;
  seconds: number;
  perSec: number;
  /** Workflow start to close, per device. */
  p50Ms: number;
  p95Ms: number;
  statuses: Record<string, number>;
  history: HistoryFigures;
  workerCpuMsPerDevice: number;
  workerPeakRssMb: number;
  apiCalls?: ApiCallFigures;
}

/** Every workflow of a phase (they all carry the phase's FerryMigrationId), by type. */
async function listPhase(
  client: Client,
  migrationId: string,
  type: string,
): Promise<WorkflowExecutionInfo[]> {
  const query = `FerryMigrationId = ${quoted(migrationId)} AND WorkflowType = ${quoted(type)}`;
  const rows: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query })) rows.push(wf);
  return rows;
}

/**
 * Runs a phase against one worker process: its CPU over the phase, its peak RSS (reset at the start
 * where Linux allows), then from visibility each workflow's start-to-close time and, from a sample of
 * histories, the events per history.
 */
export async function measurePhase(input: {
  env: BenchEnvironment;
  workerPid: number;
  migrationId: string;
  workflowType: string;
  devices: number;
  run: () => Promise<void>;
  countApiCalls: boolean;
}): Promise<PhaseFigures> {
  const { env, workerPid, devices } = input;
  resetPeakRss(workerPid);
  const cpuBefore = cpuMs(workerPid);
  const callsBefore = input.countApiCalls ? await readRequestCounts(env.sims.admin.ws1) : undefined;
  const started = Date.now();
  await input.run();
  const cpu = cpuMs(workerPid) - cpuBefore;
  const peak = peakRssMb(workerPid);
  const apiCalls = callsBefore
    ? apiCallsPerDevice(callsBefore, await readRequestCounts(env.sims.admin.ws1), devices)
    : undefined;
  // Visibility lags the results a little: wait (at most 30 s) until it shows every workflow closed.
  let rows = await listPhase(env.client, input.migrationId, input.workflowType);
  for (let i = 0; i < 60 && rows.filter((r) => r.closeTime !== undefined).length < devices; i++) {
    await sleep(500);
    rows = await listPhase(env.client, input.migrationId, input.workflowType);
  }
  const closed = rows.filter((r) => r.closeTime !== undefined);
  const lastClose = Math.max(started, ...closed.map((r) => r.closeTime!.getTime()));
  const durations = closed.map((r) => r.closeTime!.getTime() - r.startTime.getTime());
  const statuses: Record<string, number> = {};
  for (const r of rows) {
    const status = r.typedSearchAttributes.get(FerryStatus) ?? r.status.name.toLowerCase();
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const seconds = (lastClose - started) / 1000;
  const ids = rows.map((r) => r.workflowId).sort();
  return {
    devices,
    completed: closed.length,
    seconds: round1(seconds),
    perSec: round1(closed.length / Math.max(seconds, 0.001)),
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    statuses,
    history: await sampleHistories(env.client, ids),
    workerCpuMsPerDevice: Math.round(cpu / Math.max(1, devices)),
    workerPeakRssMb: peak,
    apiCalls,
  };
}

/** The baseline: N bare workflows, each of one device's shape, started the way that device is. */
export async function runBaseline(env: BenchEnvironment, devices: DeviceInput[]): Promise<PhaseFigures> {
  const migrationId = `bench-baseline-${process.pid}`;
  const options = benchOptions();
  return measurePhase({
    env,
    workerPid: env.baselineWorker!.pid!,
    migrationId,
    workflowType: 'baselineDevice',
    devices: devices.length,
    countApiCalls: false,
    run: async () => {
      const handles = await Promise.all(
        devices.map((device) => {
          const shape = baselineShapeOf(device, options);
          const start = {
            taskQueue: env.baselineTaskQueue,
            workflowId: deviceWorkflowId(migrationId, device.serialNumber),
            args: [device.serialNumber, shape.activities] as [string, number],
            typedSearchAttributes: [
              { key: FerryMigrationId, value: migrationId },
              { key: FerrySerial, value: device.serialNumber },
            ],
          };
          return shape.signalled
            ? env.client.workflow.signalWithStart<typeof baselineDevice, []>('baselineDevice', {
                ...start,
                // By name: the workflow module is not loaded outside the worker's sandbox.
                signal: 'baselineConfirmed',
              })
            : env.client.workflow.start<typeof baselineDevice>('baselineDevice', start);
        }),
      );
      await Promise.all(handles.map((h) => h.result()));
    },
  });
}

/** The options the direct phase starts its devices with (the rehearsal's short waits). */
function benchOptions(): MigrationOptions {
  return { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };
}

/**
 * Ferry, direct: each device through the device workflow (startDeviceMigration), an ADE iPhone by
 * signalWithStart of the ABM confirmation, as if the admin had reassigned it in the ABM portal and
 * confirmed it (before the phase, the target's ADE list is given the device, as its sync would).
 */
export async function runDirect(env: BenchEnvironment, devices: DeviceInput[]): Promise<PhaseFigures> {
  const migrationId = `bench-direct-${process.pid}`;
  const options = benchOptions();
  const limit = pLimit(20);
  const ws1 = env.sims.admin.ws1;
  await Promise.all(
    devices
      .filter((d) => d.enrollmentKind === 'ade')
      .map((d) =>
        limit(() =>
          adminCall(`${ws1}/tenants/${TARGET_TENANT}/ade-devices/${encodeURIComponent(d.serialNumber)}`, {
            assigned: true,
          }),
        ),
      ),
  );
  return measurePhase({
    env,
    workerPid: env.worker.pid!,
    migrationId,
    workflowType: 'migrateDevice',
    devices: devices.length,
    countApiCalls: true,
    run: async () => {
      const handles = await Promise.all(
        devices.map((device) =>
          device.enrollmentKind === 'ade'
            ? env.client.workflow.signalWithStart<typeof migrateDevice, [AdminRequest]>('migrateDevice', {
                ...deviceStart(env.taskQueue, { migrationId, device, options }),
                signal: abmReassignmentConfirmed,
                signalArgs: [{ by: 'bench' }],
              })
            : startDeviceMigration(env.client, env.taskQueue, { migrationId, device, options }),
        ),
      );
      await Promise.all(handles.map((h) => h.result()));
    },
  });
}
