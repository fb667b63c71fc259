import pLimit from 'p-limit';
import { sleep } from '../chaos/children';
import { quoted } from '../src/temporal/visibility-queries';
import { FerrySerial, FerryStatus } from '../src/workflows/search-attributes';
import { REHEARSAL_DURATIONS } from '../src/demo/world';
import { startDeviceMigration } from '../src/temporal/start-device';
import {
  DEFAULT_MIGRATION_OPTIONS,
  abmReassignmentConfirmed,
  deviceWorkflowId,
  type DeviceInput,
  type MigrationOptions,
} from '../src/workflows/device/messages';
import type { BenchEnvironment } from './environment';
import { percentile, round1, rssMb } from './measure';

const PENDING = 'abm_reassignment_pending';

/**
 * Parked devices: ADE iPhones started without the admin's ABM confirmation wait on it, as a real
 * migration's do for days. Their checks are an hour apart (Ferry's real pace is slower still), so what
 * the figures hold is the cost of waiting, not of polling; the same goes for the ADE sync they move to.
 */
const PARKED_OPTIONS: MigrationOptions = {
  ...DEFAULT_MIGRATION_OPTIONS,
  durations: {
    ...REHEARSAL_DURATIONS,
    abmWait: '7 days',
    abmCheckInterval: '1 hour',
    adeSyncTimeout: '7 days',
    adeSyncCheckInterval: '1 hour',
  },
};

export interface ParkedFigures {
  parked: number;
  /** From the first start to every device shown waiting in visibility. */
  parkSeconds: number;
  workerRssMb: number;
  serverRssMb?: number;
  /**
   * An admin confirming one device at a time while the others wait: from the signal (accepted by the
   * server) to the device's next status in visibility, over SAMPLES devices.
   */
  singleConfirmations: number;
  singleConfirmationP50Ms: number;
  singleConfirmationP95Ms: number;
  /**
   * Then every other device confirmed at once (100 signals in flight): the same, over a sample of the
   * burst (TRACKED devices), and the burst's length until visibility shows none of them waiting.
   */
  burstDevices: number;
  burstSeconds: number;
  burstTimedDevices: number;
  confirmationToNextStatusP50Ms: number;
  confirmationToNextStatusP95Ms: number;
  /** How often visibility was read while waiting: the figures' resolution. */
  visibilityPollMs: number;
  nextStatuses: Record<string, number>;
}

const POLL_MS = 200;
/** Devices confirmed one at a time before the rest are confirmed at once. */
const SAMPLES = 20;
/** Devices of the burst whose next status is timed. */
const TRACKED = 100;

/** Confirms one device and waits until visibility shows it moved on: the time it took, in ms. */
async function confirmOne(env: BenchEnvironment, migrationId: string, serial: string): Promise<number> {
  const id = deviceWorkflowId(migrationId, serial);
  await env.client.workflow.getHandle(id).signal(abmReassignmentConfirmed, { by: 'bench' });
  const at = Date.now();
  const query = `WorkflowId = ${quoted(id)}`;
  for (;;) {
    for await (const wf of env.client.workflow.list({ query })) {
      if (wf.typedSearchAttributes.get(FerryStatus) !== PENDING) return Date.now() - at;
    }
    await sleep(POLL_MS / 4);
  }
}

export async function runParked(
  env: BenchEnvironment,
  devices: DeviceInput[],
  say: (m: string) => void,
): Promise<ParkedFigures> {
  const migrationId = `bench-parked-${process.pid}`;
  const limit = pLimit(100);
  const started = Date.now();
  await Promise.all(
    devices.map((device) =>
      limit(() =>
        startDeviceMigration(env.client, env.taskQueue, { migrationId, device, options: PARKED_OPTIONS }),
      ),
    ),
  );
  const parkedQuery = `FerryMigrationId = ${quoted(migrationId)} AND FerryStatus = ${quoted(PENDING)}`;
  for (;;) {
    const waiting = (await env.client.workflow.count(parkedQuery)).count;
    if (waiting === devices.length) break;
    say(`  ${waiting}/${devices.length} parked on the ABM confirmation`);
    await sleep(1_000);
  }
  const parkSeconds = (Date.now() - started) / 1000;
  say(`${devices.length} devices parked in ${round1(parkSeconds)} s; letting the worker settle`);
  await sleep(5_000);
  const workerRssMb = rssMb(env.worker.pid!);
  const serverRssMb = env.server.pid === undefined ? undefined : rssMb(env.server.pid);
  say(`Worker RSS ${workerRssMb} MB, server RSS ${serverRssMb ?? '?'} MB`);
  const samples = devices.slice(0, Math.min(SAMPLES, Math.max(1, devices.length - 1)));
  const single: number[] = [];
  for (const device of samples) single.push(await confirmOne(env, migrationId, device.serialNumber));
  say(
    `${samples.length} devices confirmed one at a time: p50 ${percentile(single, 50)} ms; confirming the rest`,
  );
  const rest = devices.slice(samples.length);

  // The burst: every other device confirmed at once (100 signals in flight). Visibility is read for a
  // sample only (a list of 10,000 rows every 200 ms would load the server more than the burst does), and
  // counted for the whole every 2 s.
  const tracked = new Set(
    rest
      .filter((_, i) => i % Math.max(1, Math.floor(rest.length / TRACKED)) === 0)
      .map((d) => d.serialNumber),
  );
  const signalled = new Map<string, number>();
  const moved = new Map<string, number>();
  const nextStatuses: Record<string, number> = {};
  const burstStart = Date.now();
  const signals = Promise.all(
    rest.map((device) =>
      limit(async () => {
        const id = deviceWorkflowId(migrationId, device.serialNumber);
        await env.client.workflow.getHandle(id).signal(abmReassignmentConfirmed, { by: 'bench' });
        signalled.set(device.serialNumber, Date.now());
      }),
    ),
  );
  const deadline = Date.now() + 15 * 60_000;
  let pending = rest.length;
  let countedAt = 0;
  while ((moved.size < tracked.size || pending > 0) && Date.now() < deadline) {
    const waiting = [...tracked].filter((serial) => !moved.has(serial));
    if (waiting.length > 0) {
      const ids = waiting.map((serial) => quoted(deviceWorkflowId(migrationId, serial))).join(', ');
      for await (const wf of env.client.workflow.list({ query: `WorkflowId IN (${ids})` })) {
        const serial = wf.typedSearchAttributes.get(FerrySerial)!;
        const status = wf.typedSearchAttributes.get(FerryStatus);
        const at = signalled.get(serial);
        if (status === PENDING || status === undefined || at === undefined) continue;
        moved.set(serial, Date.now() - at);
        nextStatuses[status] = (nextStatuses[status] ?? 0) + 1;
      }
    }
    if (Date.now() - countedAt >= 2_000) {
      countedAt = Date.now();
      pending = (await env.client.workflow.count(parkedQuery)).count;
      say(`  ${rest.length - pending}/${rest.length} moved on`);
    }
    await sleep(POLL_MS);
  }
  await signals;
  const burstSeconds = (Date.now() - burstStart) / 1000;
  const latencies = [...moved.values()];
  return {
    parked: devices.length,
    parkSeconds: round1(parkSeconds),
    workerRssMb,
    serverRssMb,
    singleConfirmations: single.length,
    singleConfirmationP50Ms: percentile(single, 50),
    singleConfirmationP95Ms: percentile(single, 95),
    burstDevices: rest.length,
    burstSeconds: round1(burstSeconds),
    burstTimedDevices: latencies.length,
    confirmationToNextStatusP50Ms: percentile(latencies, 50),
    confirmationToNextStatusP95Ms: percentile(latencies, 95),
    visibilityPollMs: POLL_MS,
    nextStatuses,
  };
}
