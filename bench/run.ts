/**
 * `npm run bench`: Ferry's throughput against the limit of its own engine (see args.ts USAGE and
 * BENCHMARKS.md). Every process it starts is its child and is killed when it ends, however it ends.
 */
import os from 'node:os';
import { Children } from '../chaos/children';
import { readDeviceList } from '../src/client/device-list';
import { USAGE, parseBenchArgs, type BenchArgs } from './args';
import { startBenchEnvironment } from './environment';
import { runWaiting } from './enrollment-detection';
import { runFleet } from './fleet';
import { round1 } from './measure';
import { runParked } from './parked';
import { runBaseline, runDirect } from './phases';

/** What every run takes from the command line for its simulators and Ferry's worker. */
function workerSettings(args: BenchArgs) {
  const { seed, workerEnv, compiledWorker, profileWorker } = args;
  return { seed, workerEnv, compiledWorker, profileWorker };
}

async function runPhases(args: BenchArgs, children: Children, say: (m: string) => void) {
  const env = await startBenchEnvironment(children, {
    devices: args.devices * 2,
    baseline: true,
    ...workerSettings(args),
    say,
  });
  const { devices: all } = await readDeviceList(env.sims.deviceList);
  // The direct phase migrates the first half of the fleet, the product path the second.
  const direct = all.slice(0, args.devices);
  const fleet = all.slice(args.devices, args.devices * 2);
  say(`Baseline: ${args.devices} bare workflows, each of one device's shape (its activities as no-ops)`);
  const baseline = await runBaseline(env, direct);
  say(`  ${baseline.perSec}/s, ${baseline.history.eventsPerHistory} events per history`);
  say(`Ferry, direct: ${args.devices} device workflows`);
  const ferry = await runDirect(env, direct);
  say(`  ${ferry.perSec}/s, ${ferry.history.eventsPerHistory} events per history`);
  say(`Ferry, product path: ferry start of ${args.devices} devices + ferry approve-abm`);
  const product = await runFleet(env, fleet);
  say(`  ${product.perSec}/s, ${product.history.eventsPerHistory} events per history`);
  await env.stop();
  const ratio = (a: number) => Math.round((a / Math.max(baseline.perSec, 0.001)) * 100) / 100;
  return {
    devices: args.devices,
    baselinePerSec: baseline.perSec,
    ferryPerSec: ferry.perSec,
    ratio: ratio(ferry.perSec),
    fleetPerSec: product.perSec,
    fleetRatio: ratio(product.perSec),
    eventsPerDevice: ferry.history.eventsPerHistory,
    fleetEventsPerDevice: product.history.eventsPerHistory,
    baselineEventsPerWorkflow: baseline.history.eventsPerHistory,
    apiCallsPerDevice: ferry.apiCalls?.targetPerDevice ?? 0,
    fleetApiCallsPerDevice: product.apiCalls?.targetPerDevice ?? 0,
    workerCpuMsPerDevice: ferry.workerCpuMsPerDevice,
    fleetWorkerCpuMsPerDevice: product.workerCpuMsPerDevice,
    baselineWorkerCpuMsPerDevice: baseline.workerCpuMsPerDevice,
    workerPeakRssMb: Math.max(ferry.workerPeakRssMb, product.workerPeakRssMb),
    baselineWorkerPeakRssMb: baseline.workerPeakRssMb,
    cores: os.cpus().length,
    phases: { baseline, direct: ferry, fleet: product },
  };
}

async function runParkedOnly(parked: number, args: BenchArgs, children: Children, say: (m: string) => void) {
  const env = await startBenchEnvironment(children, {
    devices: parked,
    adeOnly: true,
    baseline: false,
    ...workerSettings(args),
    say,
  });
  const { devices: all } = await readDeviceList(env.sims.deviceList);
  const ade = all.filter((d) => d.enrollmentKind === 'ade').slice(0, parked);
  if (ade.length < parked) throw new Error(`only ${ade.length} ADE devices in the simulated fleet`);
  const figures = await runParked(env, ade, say);
  await env.stop();
  return { ...figures, cores: os.cpus().length };
}

if (require.main === module) {
  const children = new Children();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}: stopping every process the run started\n`);
      process.exit(130);
    });
  }
  Promise.resolve()
    .then(async () => {
      const args = parseBenchArgs();
      if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      const t0 = Date.now();
      const say = (m: string) =>
        process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${m}\n`);
      const figures =
        args.waiting !== undefined
          ? { ...(await runWaiting(args.waiting, say)), cores: os.cpus().length }
          : args.parked === undefined
            ? await runPhases(args, children, say)
            : await runParkedOnly(args.parked, args, children, say);
      const result = { ...figures, seconds: round1((Date.now() - t0) / 1000) };
      process.stdout.write(
        args.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
      );
      return 0;
    })
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(2);
      },
    );
}
