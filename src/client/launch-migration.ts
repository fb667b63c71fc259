import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { DEFAULT_BREAKER_FAILURES, type FleetRollout } from '../workflows/fleet/messages';
import { fleetInputProblems } from '../workflows/fleet/rollout';
import {
  durationMs,
  type AdminActor,
  type DeviceInput,
  type MigrationOptions,
} from '../workflows/device/messages';
import { UsageError, type CommandValues } from './commands/command';
import { positiveNumber, stringFlag } from './commands/flags';
import { cliStore } from './migration-files';
import { checkMigrationIdFlag, claimMigrationId, finishedIdMessage, migrationIdFor } from './migration-id';
import { startFleetMigration } from './start-migration';

/**
 * Starting a migration from a validated list, as `ferry start` and the console's wizard do: the
 * rollout flags read and checked, the id claimed (a generated one never reused, an explicit one of an
 * ended migration refused in words), the list saved and the fleet workflow started.
 */

/** The rollout's flags, as `ferry start` takes them (the console's options use the same names). */
export const ROLLOUT_FLAGS = {
  concurrency: { type: 'string' },
  'batch-size': { type: 'string' },
  'devices-per-hour': { type: 'string' },
  'wave-size': { type: 'string' },
  'approve-waves': { type: 'boolean' },
  'poll-interval': { type: 'string' },
  'abm-assign-interval': { type: 'string' },
  'breaker-failures': { type: 'string' },
} as const;

/** A rollout interval flag: a duration of at least a second (one the workflow cannot read would fail its task over and over). */
function intervalFlag(values: CommandValues, flag: string): Duration | undefined {
  const text = stringFlag(values, flag);
  if (text === undefined) return undefined;
  let ms = NaN;
  try {
    ms = durationMs(text as Duration);
  } catch {
    // reported below
  }
  if (!(ms >= 1_000)) throw new UsageError(`--${flag}: "${text}" is not a duration of at least 1 second`);
  return text as Duration;
}

/** The rollout from its flags; a bad one is a UsageError naming the flag. */
export function rolloutFromFlags(values: CommandValues): FleetRollout {
  return {
    concurrency: positiveNumber(values, 'concurrency', 50, true),
    batchSize: positiveNumber(values, 'batch-size', 100, true),
    devicesPerHour: values['devices-per-hour'] ? positiveNumber(values, 'devices-per-hour', 1) : undefined,
    waveSize: values['wave-size'] ? positiveNumber(values, 'wave-size', 1, true) : undefined,
    approveWaves: values['approve-waves'] === true,
    pollInterval: intervalFlag(values, 'poll-interval'),
    abmAssignInterval: intervalFlag(values, 'abm-assign-interval'),
    // 0 turns the breaker off, which positiveNumber would refuse.
    breakerFailures:
      values['breaker-failures'] === '0'
        ? 0
        : positiveNumber(values, 'breaker-failures', DEFAULT_BREAKER_FAILURES, true),
  };
}

/** The id to start under, checked before any list is read or Temporal reached. */
export function plannedMigrationId(
  name: string,
  rollout: FleetRollout,
  stateDir: string,
  explicitId?: string,
): string {
  const migrationId = explicitId ?? migrationIdFor(name);
  const problems = fleetInputProblems({ migrationId, name, deviceCount: 0, rollout });
  if (problems.length > 0) throw new UsageError(`invalid rollout: ${problems.join('; ')}`);
  if (explicitId !== undefined) checkMigrationIdFlag(stateDir, explicitId);
  return migrationId;
}

export interface LaunchRequest {
  /** From plannedMigrationId. */
  migrationId: string;
  /** Whether the id was given (kept, or refused once ended) or generated (replaced when taken). */
  explicitId: boolean;
  name: string;
  devices: DeviceInput[];
  options: MigrationOptions;
  rollout: FleetRollout;
  startedBy?: string;
  startedActor?: AdminActor;
}

/** Saves the list and starts the fleet; resolves to the migration's id. */
export async function launchMigration(
  client: Client,
  taskQueue: string,
  request: LaunchRequest,
): Promise<string> {
  const { name, explicitId, ...start } = request;
  const store = await cliStore();
  const migrationId = await claimMigrationId(
    client,
    request.migrationId,
    explicitId ? undefined : () => migrationIdFor(name),
  );
  try {
    await startFleetMigration(client, store, taskQueue, { ...start, name, migrationId });
  } catch (err) {
    // The migration ended between the check and the start.
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new UsageError(finishedIdMessage(migrationId));
    throw err;
  }
  return migrationId;
}
