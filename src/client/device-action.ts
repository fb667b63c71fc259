import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import pLimit from 'p-limit';
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
} from '../workflows/device/messages';
import { firstLine, withTimeout } from './commands/flags';
import type { DeviceRow } from './commands/visibility';

/**
 * The admin actions of SPEC §4 on devices: each sends the device workflow's update to every targeted
 * device and says, per device, what happened. The workflow decides whether an action fits the device;
 * a rejection ("rejected: device is reenrolled") is a reason to skip, not a failure. `ferry retry|…`
 * and the console both act through actOnDevices.
 */

export const DEVICE_ACTIONS = {
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
export type DeviceActionName = keyof typeof DEVICE_ACTIONS;
export const DEVICE_ACTION_NAMES = Object.keys(DEVICE_ACTIONS) as DeviceActionName[];

/** A worker answers an update in milliseconds; cancel waits for its cleanup activity, hence the margin. */
const ANSWER_TIMEOUT_MS = 60_000;

export type DeviceActionOutcome =
  { kind: 'done'; state: DeviceState } | { kind: 'skipped' | 'failed'; why: string };

/** A device to act on: from visibility, or only named (its workflow id made from the serial). */
export type DeviceTarget = Pick<DeviceRow, 'workflowId' | 'serialNumber'> & { running?: boolean };

export async function actOnDevice(
  client: Client,
  name: DeviceActionName,
  target: DeviceTarget,
  request: AdminRequest,
): Promise<DeviceActionOutcome> {
  // Visibility lags, but never the other way: a workflow it shows closed is closed.
  if (target.running === false) return { kind: 'skipped', why: 'workflow closed' };
  const handle = client.workflow.getHandle(target.workflowId);
  try {
    const update = handle.executeUpdate(DEVICE_ACTIONS[name].update, { args: [request] });
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

/** "retried: now reenrolling", "skipped: rejected: device is reenrolled". */
export function describeOutcome(name: DeviceActionName, outcome: DeviceActionOutcome): string {
  if (outcome.kind !== 'done') return `${outcome.kind}: ${outcome.why}`;
  const { status, subStatus } = outcome.state;
  return `${DEVICE_ACTIONS[name].did}: now ${status}${status === 'failed' && subStatus ? ` (${subStatus})` : ''}`;
}

/**
 * The devices named by serial, as visibility lists them; a named device visibility has not caught up
 * with is still tried, by its workflow id.
 */
export function namedTargets(migrationId: string, devices: DeviceRow[], serials: string[]): DeviceTarget[] {
  const bySerial = new Map(devices.map((d) => [d.serialNumber.toLowerCase(), d]));
  return [...new Set(serials)].map(
    (s) => bySerial.get(s.toLowerCase()) ?? { workflowId: deviceWorkflowId(migrationId, s), serialNumber: s },
  );
}

/** Acts on every target, `concurrency` at a time; `onOutcome` hears each as it comes. */
export async function actOnDevices(
  client: Client,
  name: DeviceActionName,
  targets: DeviceTarget[],
  request: AdminRequest,
  concurrency: number,
  onOutcome: (target: DeviceTarget, outcome: DeviceActionOutcome) => void,
): Promise<void> {
  const acting = pLimit(concurrency);
  await Promise.all(
    targets.map((target) =>
      acting(async () => onOutcome(target, await actOnDevice(client, name, target, request))),
    ),
  );
}
