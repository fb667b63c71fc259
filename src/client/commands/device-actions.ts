import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  cancelDevice,
  confirmAbmReassignment,
  confirmSourceRemoval,
  deviceWorkflowId,
  reissueToken,
  renotifyUser,
  retryDevice,
  sendSourceCommandNow,
  type AdminRequest,
  type DeviceState,
} from '../../workflows/device/messages';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command } from './command';
import pLimit from 'p-limit';
import {
  firstLine,
  loginName,
  migrationArg,
  positiveNumber,
  statusFlag,
  stringFlag,
  withTimeout,
} from './flags';
import { withTemporal } from './temporal-session';
import { filterDevices, requireDevices, type DeviceRow } from './visibility';

/**
 * The admin actions of SPEC §4 as commands: each sends the device workflow's update to every targeted
 * device and reports, per device, what happened. The workflow decides whether an action fits the
 * device; a rejection ("rejected: device is reenrolled") is a reason to skip, not a failure.
 */

const ACTIONS = {
  'confirm-abm': {
    update: confirmAbmReassignment,
    did: 'ABM reassignment confirmed',
    what: 'Confirms that ADE devices were reassigned to the target in Apple Business Manager.',
  },
  'confirm-removed': {
    update: confirmSourceRemoval,
    did: 'removal from the source confirmed',
    what: 'Manual source: confirms that devices were removed from the source by hand or by their users.',
  },
  retry: {
    update: retryDevice,
    did: 'retried',
    what: 'Retries failed devices from the step that failed (after fixing the reason).',
  },
  cancel: {
    update: cancelDevice,
    did: 'cancelled',
    what: 'Cancels devices: their work stops, an unused token is revoked, they end "Cancelled by admin".',
  },
  renotify: {
    update: renotifyUser,
    did: 'user notified again',
    what: 'Sends the enrollment notification to the users of devices again.',
  },
  'reissue-token': {
    update: reissueToken,
    did: 'token re-issued',
    what: 'Replaces the registration token of devices on token paths and notifies their users.',
  },
  'end-notice': {
    update: sendSourceCommandNow,
    did: 'notice period ended, source command sent',
    what: 'Ends the notice period of devices: the source retires or wipes them now (their users were told).',
  },
};
export type DeviceActionName = keyof typeof ACTIONS;

/** A worker answers an update in milliseconds; cancel waits for its cleanup activity, hence the margin. */
const ANSWER_TIMEOUT_MS = 60_000;

type Outcome = { kind: 'done'; state: DeviceState } | { kind: 'skipped' | 'failed'; why: string };

const usage = (
  name: DeviceActionName,
) => `Usage: ferry ${name} MIGRATION [SERIAL...] [--status S] [--sub-status TEXT] [--all]
       [--by NAME] [--reason TEXT] [--concurrency N] [--json]

${ACTIONS[name].what}
Acts on the named devices, or on those --status/--sub-status select, or with --all on every device
of MIGRATION (never by default). Prints one line per device: what was done, or why it was skipped.

Options:
      --status S         devices in status S (e.g. failed, abm_reassignment_pending)
      --sub-status TEXT  devices whose sub-status contains TEXT, e.g. "Target user not found"
      --all              every device of MIGRATION
      --by NAME          who acts, kept in the device's history (default: your login name)
      --reason TEXT      why, kept in the device's history
      --concurrency N    devices acted on at once (default 10)
      --json             print one JSON object with every result instead of lines
  -h, --help             show this help

Exit codes: 0 every device acted on or skipped with a reason, 1 an action failed (or Temporal
unreachable, or no such migration), 2 bad usage.`;

async function act(
  client: Client,
  name: DeviceActionName,
  target: Pick<DeviceRow, 'workflowId' | 'serialNumber'> & { running?: boolean },
  request: AdminRequest,
): Promise<Outcome> {
  // Visibility lags, but never the other way: a workflow it shows closed is closed.
  if (target.running === false) return { kind: 'skipped', why: 'workflow closed' };
  const handle = client.workflow.getHandle(target.workflowId);
  try {
    const update = handle.executeUpdate(ACTIONS[name].update, { args: [request] });
    const text = `no answer within ${ANSWER_TIMEOUT_MS / 1000} s (it may still complete; is a Ferry worker running?)`;
    return { kind: 'done', state: await withTimeout(update, ANSWER_TIMEOUT_MS, text) };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const why = firstLine(err.cause ?? err);
      return { kind: why.startsWith('rejected:') ? 'skipped' : 'failed', why };
    }
    if (!(err instanceof WorkflowNotFoundError)) return { kind: 'failed', why: firstLine(err) };
    // The server says the same for a closed workflow and a missing one; describe tells them apart.
    const exists = await handle.describe().then(
      () => true,
      (e: unknown) => (e instanceof WorkflowNotFoundError ? false : firstLine(e)),
    );
    if (typeof exists === 'string') return { kind: 'failed', why: exists };
    return exists
      ? { kind: 'skipped', why: 'workflow closed' }
      : { kind: 'failed', why: 'no such device in this migration' };
  }
}

function describeOutcome(name: DeviceActionName, outcome: Outcome): string {
  if (outcome.kind !== 'done') return `${outcome.kind}: ${outcome.why}`;
  const { status, subStatus } = outcome.state;
  return `${ACTIONS[name].did}: now ${status}${status === 'failed' && subStatus ? ` (${subStatus})` : ''}`;
}

function brief(outcome: Outcome): Record<string, string | undefined> {
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
      const request: AdminRequest = {
        by: stringFlag(values, 'by') ?? loginName(),
        reason: stringFlag(values, 'reason'),
      };

      return withTemporal(async (client) => {
        const devices = await requireDevices(client, migrationId);
        const bySerial = new Map(devices.map((d) => [d.serialNumber.toLowerCase(), d]));
        // A named device visibility has not caught up with is still tried, by its workflow id.
        const targets = serials.length
          ? serials.map(
              (s) =>
                bySerial.get(s.toLowerCase()) ?? {
                  workflowId: deviceWorkflowId(migrationId, s),
                  serialNumber: s,
                },
            )
          : filterDevices(devices, filter);
        const counts = { done: 0, skipped: 0, failed: 0 };
        const results: Record<string, string | undefined>[] = [];
        if (targets.length === 0) io.out(`${name}: no device of ${migrationId} matches`);
        const acting = pLimit(concurrency);
        await Promise.all(
          targets.map((target) =>
            acting(async () => {
              const outcome = await act(client, name, target, request);
              counts[outcome.kind]++;
              // Status only, not the whole state: a target user name can be an email address.
              if (values.json) results.push({ serialNumber: target.serialNumber, ...brief(outcome) });
              else io.out(`${target.serialNumber} ${describeOutcome(name, outcome)}`);
            }),
          ),
        );
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
  Object.keys(ACTIONS).map((name) => [name, deviceAction(name as DeviceActionName)]),
) as Record<DeviceActionName, Command>;
