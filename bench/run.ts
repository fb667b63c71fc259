import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startDeviceMigration } from '../src/temporal/start-device';
import { createLogger } from '../src/logger';
import { REHEARSAL_DURATIONS, startSimulatedTenants } from '../src/demo/world';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/free-port';
import { installRuntime } from '../src/temporal/runtime';
import { createFerryWorker } from '../src/worker';
import {
  DEFAULT_MIGRATION_OPTIONS,
  abmReassignmentConfirmed,
  deviceWorkflowId,
} from '../src/workflows/device/messages';
import { migrateDevice } from '../src/workflows/device/workflow';

/**
 * `npm run bench -- --devices N`: end-to-end throughput of device workflows on this machine — a fresh
 * in-memory dev server, the Workspace ONE simulator with instant devices (so what is measured is Ferry
 * and Temporal, not simulated users), and one in-process worker. Prints one JSON line of figures.
 */
const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '500' },
    'enroll-delay-ms': { type: 'string', default: '0' },
    'max-cached': { type: 'string' },
  },
});
const count = Number(values.devices);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  installRuntime(createLogger({ level: 'error' }), 'ERROR');
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
  const server = await startDevServer({ stateDir, port: await freePort(), uiPort: false, dbFile: null });
  const delay = Number(values['enroll-delay-ms']);
  const tenants = await startSimulatedTenants(
    { devices: count, seed: 11, missingTargetUserShare: 0 },
    { behaviour: { commandDelayMs: delay, enrollDelayMs: delay } },
  );
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'bench';
  const worker = await createFerryWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: tenants.activities,
    maxCachedWorkflows: values['max-cached'] ? Number(values['max-cached']) : undefined,
  });
  const options = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };
  const migrationId = `bench-${count}`;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const latencies: number[] = [];
  const states = await worker.runUntil(async () => {
    const handles = await Promise.all(
      tenants.devices.map((device) =>
        device.enrollmentKind === 'ade'
          ? client.workflow.signalWithStart(migrateDevice, {
              taskQueue,
              workflowId: deviceWorkflowId(migrationId, device.serialNumber),
              args: [{ migrationId, device, options }],
              signal: abmReassignmentConfirmed,
              signalArgs: [{ by: 'bench' }],
            })
          : startDeviceMigration(client, taskQueue, { migrationId, device, options }),
      ),
    );
    return Promise.all(
      handles.map(async (h) => {
        const state = await h.result();
        latencies.push(Date.now() - started);
        return state;
      }),
    );
  });
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sample = await client.workflow
    .getHandle(deviceWorkflowId(migrationId, states[0]!.serialNumber))
    .fetchHistory();
  latencies.sort((a, b) => a - b);
  const result = {
    devices: count,
    reenrolled: states.filter((s) => s.status === 'reenrolled').length,
    seconds: Math.round(seconds * 10) / 10,
    devicesPerSecond: Math.round((count / seconds) * 10) / 10,
    completionP50s: Math.round(percentile(latencies, 50) / 100) / 10,
    completionP95s: Math.round(percentile(latencies, 95) / 100) / 10,
    eventsFirstDevice: sample.events?.length,
    workerCpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
    workerRssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
    serverRssMb: server.pid ? rssMb(server.pid) : undefined,
    cores: os.cpus().length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await nativeConnection.close();
  await client.connection.close();
  await tenants.close();
  await server.stop();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
