import { UsageError, type CommandValues } from '../../client/commands/command';
import { ROLLOUT_FLAGS, rolloutFromFlags } from '../../client/launch-migration';
import {
  MIGRATION_OPTION_FLAGS,
  MigrationOptionsError,
  migrationOptionsFromFlags,
} from '../../client/migration-options';
import type { MigrationOptions } from '../../workflows/device/messages';
import type { FleetRollout } from '../../workflows/fleet/messages';
import { badRequest } from './errors';

/**
 * The wizard's options are `ferry start`'s flags by name (`wave-size`, `ios-ade-method`, …), read by
 * the very functions the CLI reads its flags with: the same defaults, limits and messages.
 */

const KNOWN = new Set([...Object.keys(ROLLOUT_FLAGS), ...Object.keys(MIGRATION_OPTION_FLAGS)]);

function flagValues(options: Record<string, string | number | boolean>): CommandValues {
  const values: CommandValues = {};
  for (const [key, value] of Object.entries(options)) {
    if (!KNOWN.has(key)) throw badRequest(`options.${key}`, `options.${key}: unknown option`);
    values[key] = key === 'approve-waves' ? value === true || value === 'true' : String(value);
  }
  return values;
}

/** Which option a refusal concerns: the one that is refused on its own (a combination names none). */
function fieldOf(values: CommandValues, read: (v: CommandValues) => unknown): string {
  for (const [key, value] of Object.entries(values)) {
    try {
      read({ [key]: value });
    } catch {
      return `options.${key}`;
    }
  }
  return 'options';
}

function readWith<T>(values: CommandValues, read: (v: CommandValues) => T): T {
  try {
    return read(values);
  } catch (err) {
    const message =
      err instanceof MigrationOptionsError
        ? err.problems.join('; ')
        : err instanceof UsageError
          ? err.message
          : undefined;
    if (message === undefined) throw err;
    throw badRequest(fieldOf(values, read), message);
  }
}

export function startOptions(options: Record<string, string | number | boolean>): {
  rollout: FleetRollout;
  migrationOptions: MigrationOptions;
} {
  const values = flagValues(options);
  return {
    rollout: readWith(values, rolloutFromFlags),
    migrationOptions: readWith(values, migrationOptionsFromFlags),
  };
}
