import type { Client } from '@temporalio/client';
import { expectedOutcome, outcomeOf } from '../src/demo/unattended';
import {
  FailureReason,
  deviceWorkflowId,
  getDeviceState,
  type DeviceInput,
  type DeviceState,
} from '../src/workflows/device/messages';
import { fleetWorkflowId, getMigrationProgress } from '../src/workflows/fleet/messages';
import { historyTexts, type Scanner } from './scan';
import { sleep } from './children';

/** Retries a call through a Temporal restart (the run kills the server; reads must outlive that). */
export async function retrying<T>(call: () => Promise<T>, attempts = 30): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(1_000);
    }
  }
}

/** Reasons a service's passing trouble gives a device: what Ferry's retries must absorb. */
const TRANSIENT_REASONS: string[] = [FailureReason.ServiceUnavailable];

export interface DeviceOutcomes {
  expected: number;
  matched: number;
  /** Devices not at the status their scenario expects, by serial (never by email). */
  mismatches: { serial: string; expected: string; actual: string }[];
  /** Devices that were failed at some point, with the reason (from their own history). */
  failed: { serial: string; reason: string }[];
  /** Of those, failed for a reason a passing fault gives. */
  transientFailures: number;
  /** Devices per migration path (ios_ade_erase, ios_standard, …): what the fleet covered. */
  paths: Record<string, number>;
}

/**
 * Each device's end, read from its workflow (the query, through the worker: the client must decrypt),
 * against what its scenario expects: every device re-enrolls, the admin acting only to approve the bulk
 * ABM assignment (every target user exists).
 */
export async function deviceOutcomes(
  client: Client,
  migrationId: string,
  devices: DeviceInput[],
): Promise<DeviceOutcomes> {
  const fleet = await retrying(() =>
    client.workflow.getHandle(fleetWorkflowId(migrationId)).query(getMigrationProgress),
  );
  const result: DeviceOutcomes = {
    expected: devices.length,
    matched: 0,
    mismatches: [],
    failed: [],
    transientFailures: 0,
    paths: {},
  };
  for (const device of devices) {
    const serial = device.serialNumber;
    const expected = expectedOutcome(device, { admin: 'auto', abm: 'auto', targetHasUser: () => true });
    let state: DeviceState | undefined;
    try {
      state = await retrying(
        () => client.workflow.getHandle(deviceWorkflowId(migrationId, serial)).query(getDeviceState),
        5,
      );
    } catch {
      state = undefined;
    }
    const actual = state ? outcomeOf(state, { abm: fleet.abm }) : 'not started';
    if (state) result.paths[state.path] = (result.paths[state.path] ?? 0) + 1;
    if (actual === expected) result.matched++;
    else result.mismatches.push({ serial, expected, actual });
    for (const change of state?.history.filter((h) => h.status === 'failed') ?? []) {
      const reason = change.subStatus ?? '';
      result.failed.push({ serial, reason });
      if (TRANSIENT_REASONS.some((r) => reason.startsWith(r))) result.transientFailures++;
    }
  }
  return result;
}

export interface HistoryScan {
  histories: number;
  events: number;
  plaintextEmails: number;
  historiesWithEmails: number;
  secrets: number;
}

/**
 * Every run of every workflow the run's server holds (the fleet's and each device's), fetched by a
 * client without the payload codec, as anyone with access to Temporal would read them.
 */
export async function scanHistories(rawClient: Client, scanner: Scanner): Promise<HistoryScan> {
  const scan: HistoryScan = {
    histories: 0,
    events: 0,
    plaintextEmails: 0,
    historiesWithEmails: 0,
    secrets: 0,
  };
  const runs = await retrying(async () => {
    const found: { workflowId: string; runId: string }[] = [];
    for await (const wf of rawClient.workflow.list())
      found.push({ workflowId: wf.workflowId, runId: wf.runId });
    return found;
  });
  for (const { workflowId, runId } of runs) {
    const history = await retrying(() => rawClient.workflow.getHandle(workflowId, runId).fetchHistory());
    let emails = 0;
    for (const text of historyTexts(history)) {
      const found = scanner.scan(text);
      emails += found.emails;
      scan.secrets += found.secrets;
    }
    scan.histories++;
    scan.events += history.events?.length ?? 0;
    scan.plaintextEmails += emails;
    if (emails > 0) scan.historiesWithEmails++;
  }
  return scan;
}
