import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FerryCli } from '../chaos/ferry-cli';
import { deviceListCsv } from '../src/client/source-inventory';
import { REHEARSAL_DURATIONS } from '../src/demo/world';
import type { DeviceInput } from '../src/workflows/device/messages';
import { MAX_CONCURRENCY, fleetWorkflowId } from '../src/workflows/fleet/messages';
import type { BenchEnvironment } from './environment';
import { measurePhase, type PhaseFigures } from './phases';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * `ferry start` as an admin would type it, at the rehearsal's pace (checks every second): the default
 * rollout (batches of 100) with the concurrency raised to the fleet (at most Ferry's 1,000) so that the
 * rollout is measured, not the cap; ADE iPhones through the bulk ABM assignment, one second apart.
 */
function startArgs(migrationId: string, deviceList: string, devices: number): string[] {
  const flags = ['start', '--name', 'bench', '--id', migrationId, '--devices', deviceList];
  flags.push('--concurrency', String(Math.min(devices, MAX_CONCURRENCY)));
  flags.push('--poll-interval', '1 second', '--abm-assign-interval', '1 second', '--abm-auto-assign', 'true');
  for (const [key, value] of Object.entries(REHEARSAL_DURATIONS))
    flags.push(`--${kebab(key)}`, String(value));
  return flags;
}

/**
 * Ferry's product path: the fleet through `ferry start` (the fleet workflow, its batches and its bulk
 * ABM assignment) and `ferry approve-abm`, timed from the command to the fleet workflow's end.
 */
export async function runFleet(env: BenchEnvironment, devices: DeviceInput[]): Promise<PhaseFigures> {
  const migrationId = `bench-fleet-${process.pid}`;
  const deviceList = path.join(env.stateDir, 'fleet-devices.csv');
  writeFileSync(deviceList, deviceListCsv(devices), { mode: 0o600 });
  const cli = new FerryCli(env.env);
  return measurePhase({
    env,
    workerPid: env.worker.pid!,
    migrationId,
    workflowType: 'migrateDevice',
    devices: devices.length,
    countApiCalls: true,
    run: async () => {
      await cli.runUntilOk(startArgs(migrationId, deviceList, devices.length), 3);
      if (devices.some((d) => d.enrollmentKind === 'ade')) {
        await cli.runUntilOk(['approve-abm', migrationId, '--by', 'bench', '--reason', 'benchmark'], 30);
      }
      await env.client.workflow.getHandle(fleetWorkflowId(migrationId)).result();
    },
  });
}
