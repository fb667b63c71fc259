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
    // The baseline has a happy-path device's six activities; a device history is at least as long.
    expect(report!.baselineEventsPerWorkflow).toBe(41);
    expect(report!.eventsPerDevice as number).toBeGreaterThanOrEqual(41);
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
      report: { parked: 3, nextStatuses: { ade_sync: 3 } },
    });
    for (const k of ['workerRssMb', 'confirmationToNextStatusP50Ms', 'confirmationToNextStatusP95Ms']) {
      expect(positive(report![k])).toBe(true);
    }
  },
  TIMEOUT_MS,
);
