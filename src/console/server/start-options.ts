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
 * The wizard's options are `ferry start`'s flags by name (`wave-size` or `waveSize`, `ios-ade-method`,
 * durations flat or under `durations`), read by the very functions the CLI reads its flags with: the
 * same defaults, limits and messages.
 */

const KNOWN = new Set([...Object.keys(ROLLOUT_FLAGS), ...Object.keys(MIGRATION_OPTION_FLAGS)]);

type FlagValue = string | number | boolean;
export type StartOptionsInput = Record<string, FlagValue | Record<string, FlagValue>>;

/** `waveSize` and `wave-size` name one flag; `durations: {enrollmentTimeout}` is `enrollment-timeout`. */
const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The options as parsed flags, and the field (as sent) each flag came from. */
function flagValues(options: StartOptionsInput): { values: CommandValues; fields: Map<string, string> } {
  const values: CommandValues = {};
  const fields = new Map<string, string>();
  const add = (field: string, key: string, value: FlagValue) => {
    const flag = flagName(key);
    if (!KNOWN.has(flag)) throw badRequest(field, `${field}: unknown option`);
    values[flag] = flag === 'approve-waves' ? value === true || value === 'true' : String(value);
    fields.set(flag, field);
  };
  for (const [key, value] of Object.entries(options)) {
    if (typeof value !== 'object') add(`options.${key}`, key, value);
    else for (const [inner, v] of Object.entries(value)) add(`options.${key}.${inner}`, inner, v);
  }
  return { values, fields };
}

/** Which option a refusal concerns: the one that is refused on its own (a combination names none). */
function fieldOf(
  { values, fields }: ReturnType<typeof flagValues>,
  read: (v: CommandValues) => unknown,
): string {
  for (const [flag, value] of Object.entries(values)) {
    try {
      read({ [flag]: value });
    } catch {
      return fields.get(flag) ?? 'options';
    }
  }
  return 'options';
}

function readWith<T>(flags: ReturnType<typeof flagValues>, read: (v: CommandValues) => T): T {
  const { values } = flags;
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
    throw badRequest(fieldOf(flags, read), message);
  }
}

export function startOptions(options: StartOptionsInput): {
  rollout: FleetRollout;
  migrationOptions: MigrationOptions;
} {
  const flags = flagValues(options);
  return {
    rollout: readWith(flags, rolloutFromFlags),
    migrationOptions: readWith(flags, migrationOptionsFromFlags),
  };
}
