import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Info as ActivityInfo } from '@temporalio/activity';
import { startSimulatedTenants } from '../src/demo/world';
import { WATCH_BATCH } from '../src/activities/device/enrollment-watch';
import { sleep } from '../chaos/children';

/** The checks' interval, shortened from the default 10 minutes: the reads per interval do not depend on it. */
const INTERVAL_MS = 5_000;
const INTERVALS = 3;

export interface DetectionFigures {
  waiting: number;
  intervalMs: number;
  intervals: number;
  /** Target reads (bulk searches by serial) per interval, once every device has checked once. */
  readsPerInterval: number;
  /** How many devices a read covers at most (WS1's page cap). */
  devicesPerRead: number;
  checks: number;
}

/**
 * Enrollment detection with N devices waiting to enroll: the real awaitTargetEnrollment activity over the
 * real Workspace ONE client and simulator (in this process), each device checking once per interval at
 * its own offset (as Temporal's retries spread them), none of them enrolling. Counts the target's device
 * reads over the intervals after the first (when every device has started waiting).
 */
export async function runWaiting(waiting: number, say: (m: string) => void): Promise<DetectionFigures> {
  const tenants = await startSimulatedTenants(
    { devices: waiting, seed: 11, missingTargetUserShare: 0 },
    { behaviour: { commandDelayMs: 0, enrollDelayMs: 0 } },
  );
  try {
    const env = new MockActivityEnvironment(
      {
        retryPolicy: { initialInterval: INTERVAL_MS, backoffCoefficient: 1, maximumInterval: INTERVAL_MS },
      } as Partial<ActivityInfo>,
      // Each check fails "not yet" by design: the SDK's warning per check is not the bench's output.
      { logger: new DefaultLogger('ERROR') },
    );
    const reads = () =>
      Object.entries(tenants.sim.state.requestCounts)
        .filter(([route]) => route.includes(' POST /mdm/devices'))
        .reduce((n, [, c]) => n + c, 0);
    let checks = 0;
    const check = (serialNumber: string) =>
      env.run(tenants.activities.awaitTargetEnrollment, { serialNumber }).then(
        () => {
          throw new Error(`${serialNumber} enrolled: the bench expects none to`);
        },
        () => {
          checks++;
        },
      );
    const serials = tenants.devices.map((d) => d.serialNumber);
    let before = 0;
    for (let k = 0; k <= INTERVALS; k++) {
      if (k === 1) before = reads();
      const start = Date.now();
      await Promise.all(
        serials.map(async (serial, i) => {
          await sleep(Math.floor((i * INTERVAL_MS) / serials.length) - (Date.now() - start));
          await check(serial);
        }),
      );
      await sleep(INTERVAL_MS - (Date.now() - start));
      say(`  interval ${k}: ${reads()} target device reads so far`);
    }
    return {
      waiting,
      intervalMs: INTERVAL_MS,
      intervals: INTERVALS,
      readsPerInterval: Math.round(((reads() - before) / INTERVALS) * 10) / 10,
      devicesPerRead: WATCH_BATCH,
      checks,
    };
  } finally {
    await tenants.close();
  }
}
