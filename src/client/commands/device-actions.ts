import { cliRequest } from '../cli-actor';
import {
  DEVICE_ACTIONS,
  DEVICE_ACTION_NAMES,
  actOnDevices,
  describeOutcome,
  namedTargets,
  type DeviceActionName,
  type DeviceActionOutcome,
} from '../device-action';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command } from './command';
import { migrationArg, positiveNumber, statusFlag, stringFlag } from './flags';
import { withTemporal } from './temporal-session';
import { filterDevices, requireDevices } from './visibility';

/** `ferry retry|cancel|confirm-abm|… MIGRATION [SERIAL…]` (the actions are in ../device-action). */

const usage = (
  name: DeviceActionName,
) => `Usage: ferry ${name} MIGRATION [SERIAL...] [--status S] [--sub-status TEXT] [--all]
       [--by NAME] [--reason TEXT] [--concurrency N] [--json]

${DEVICE_ACTIONS[name].what}
Acts on the named devices, or on those --status/--sub-status select, or with --all on every device
of MIGRATION (never by default). Prints one line per device: what was done, or why it was skipped.

Options:
      --status S         devices in status S (e.g. failed, abm_reassignment_pending)
      --sub-status TEXT  devices whose sub-status contains TEXT, e.g. "Target user not found"
      --all              every device of MIGRATION
      --by NAME          who acts, as shown in the device's history (default: your OS login)
      --reason TEXT      why, kept in the device's history
      --concurrency N    devices acted on at once (default 10)
      --json             print one JSON object with every result instead of lines
  -h, --help             show this help

Every action records your OS login and the identity the CLI's Temporal client connected with
(ferry-cli:LOGIN@HOST:PID); --by only sets the name shown. \`ferry audit MIGRATION\` lists them.

Exit codes: 0 every device acted on or skipped with a reason, 1 an action failed (or Temporal
unreachable, or no such migration), 2 bad usage.`;

function brief(outcome: DeviceActionOutcome): Record<string, string | undefined> {
  if (outcome.kind !== 'done') return { outcome: outcome.kind, reason: outcome.why };
  return { outcome: 'done', status: outcome.state.status, subStatus: outcome.state.subStatus };
}

function deviceAction(name: DeviceActionName): Command {
  return {
    usage: usage(name),
    options: {
      status: { type: 'string' },
      'sub-status': { type: 'string' },
      all: { type: 'boolean' },
      by: { type: 'string' },
      reason: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,

    async run({ values, positionals }, io) {
      const migrationId = migrationArg(positionals, true);
      const serials = [...new Set(positionals.slice(1))];
      const filter = { status: statusFlag(values), subStatus: stringFlag(values, 'sub-status') };
      const filtered = filter.status !== undefined || filter.subStatus !== undefined;
      const all = values.all === true;
      if (serials.length > 0 && (filtered || all)) {
        throw new UsageError('name SERIALs or select devices with --status/--sub-status/--all, not both');
      }
      if (all && filtered) throw new UsageError('--all cannot be combined with --status or --sub-status');
      if (serials.length === 0 && !filtered && !all) {
        throw new UsageError(
          'name SERIALs, select devices with --status or --sub-status, or pass --all to act on every device',
        );
      }
      const concurrency = positiveNumber(values, 'concurrency', 10, true);
      return withTemporal(async (client) => {
        const request = cliRequest(client, stringFlag(values, 'by'), stringFlag(values, 'reason'));
        const devices = await requireDevices(client, migrationId);
        const targets = serials.length
          ? namedTargets(migrationId, devices, serials)
          : filterDevices(devices, filter);
        const counts = { done: 0, skipped: 0, failed: 0 };
        const results: Record<string, string | undefined>[] = [];
        if (targets.length === 0) io.out(`${name}: no device of ${migrationId} matches`);
        await actOnDevices(client, name, targets, request, concurrency, (target, outcome) => {
          counts[outcome.kind]++;
          // Status only, not the whole state: a target user name can be an email address.
          if (values.json) results.push({ serialNumber: target.serialNumber, ...brief(outcome) });
          else io.out(`${target.serialNumber} ${describeOutcome(name, outcome)}`);
        });
        if (values.json) {
          results.sort((a, b) => a.serialNumber!.localeCompare(b.serialNumber!));
          io.out(JSON.stringify({ action: name, migrationId, ...counts, results }, null, 2));
        } else {
          io.out(`${name}: ${counts.done} done, ${counts.skipped} skipped, ${counts.failed} failed`);
        }
        return counts.failed > 0 ? EXIT_FAILED : EXIT_OK;
      });
    },
  };
}

export const deviceActionCommands = Object.fromEntries(
  DEVICE_ACTION_NAMES.map((name) => [name, deviceAction(name)]),
) as Record<DeviceActionName, Command>;
