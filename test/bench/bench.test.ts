import { lastJsonLine, runScript } from '../helpers/script-run';

/**
 * `npm run bench`, short: the three phases over 5 devices, and 3 parked devices confirmed. Each run
 * starts its own dev server, simulators and workers (it does not use the suite's). Only that the
 * figures are there and sane is asserted, never how fast: the machine decides that.
 */
// Under a minute each here; CI machines are slower.
const TIMEOUT_MS = 300_000;

const bench = (args: string[]) => runScript('bench/run.ts', args);

const positive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

test(
  'when the bench runs 5 devices, then the last line holds every figure as a positive number',
  async () => {
    const result = await bench(['--devices', '5', '--json']);
    const report = lastJsonLine(result.stdout);
    expect({ code: result.code, report: report ?? result.stderr }).toMatchObject({
      code: 0,
      report: { devices: 5 },
    });
    const keys = [
      'baselinePerSec',
      'ferryPerSec',
      'ratio',
      'fleetPerSec',
      'fleetRatio',
      'eventsPerDevice',
      'baselineEventsPerWorkflow',
      'apiCallsPerDevice',
      'workerCpuMsPerDevice',
      'workerPeakRssMb',
    ];
    const notPositive = keys.filter((k) => !positive(report![k]));
    expect(notPositive).toEqual([]);
    // A baseline workflow has its device's activities (six at least: 41 events); a device history is at
    // at least as long as its baseline's.
    expect(report!.baselineEventsPerWorkflow as number).toBeGreaterThanOrEqual(41);
    expect(report!.eventsPerDevice as number).toBeGreaterThanOrEqual(
      report!.baselineEventsPerWorkflow as number,
    );
    const phases = report!.phases as Record<string, { completed: number; apiCalls?: unknown }>;
    expect(Object.values(phases).map((p) => p.completed)).toEqual([5, 5, 5]);
    expect(phases.direct!.apiCalls).toBeDefined();
  },
  TIMEOUT_MS,
);

test(
  'when 3 devices are parked on the ABM confirmation and then confirmed, then each moves on and the figures are there',
  async () => {
    const result = await bench(['--parked', '3', '--json']);
    const report = lastJsonLine(result.stdout);
    expect({ code: result.code, report: report ?? result.stderr }).toMatchObject({
      code: 0,
      // Two confirmed one at a time, then the third on its own "at once".
      report: { parked: 3, singleConfirmations: 2, nextStatuses: { ade_sync: 1 } },
    });
    for (const k of [
      'workerRssMb',
      'singleConfirmationP50Ms',
      'singleConfirmationP95Ms',
      'confirmationToNextStatusP50Ms',
      'confirmationToNextStatusP95Ms',
    ]) {
      expect(positive(report![k])).toBe(true);
    }
  },
  TIMEOUT_MS,
);

test(
  'when 50 devices wait to enroll, then the target is read at most twice per polling interval',
  async () => {
    const result = await bench(['--waiting', '50', '--json']);
    const report = lastJsonLine(result.stdout);
    expect({ code: result.code, report: report ?? result.stderr }).toMatchObject({
      code: 0,
      report: { waiting: 50, checks: 200 },
    });
    expect(report!.readsPerInterval as number).toBeGreaterThan(0);
    expect(report!.readsPerInterval as number).toBeLessThanOrEqual(2);
  },
  TIMEOUT_MS,
);
