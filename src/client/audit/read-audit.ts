import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import pLimit from 'p-limit';
import { migrationDevicesQuery } from '../../temporal/visibility-queries';
import { FerrySerial } from '../../workflows/search-attributes';
import { fleetWorkflowId } from '../../workflows/fleet/messages';
import { noSuchMigration } from '../commands/visibility';
import type { AuditEntry, AuditTarget } from './entry';
import { readRunAudit, type RunAudit } from './run-history';
import type { RunAuditCache } from './run-cache';

/**
 * A migration's audit: the admin actions in the histories of its fleet workflow (every continue-as-new
 * run, walked back from the latest) and of each of its device workflows (every run visibility lists),
 * oldest first. Histories are read `concurrency` at a time; a closed run's actions come from `cache` when
 * it has them (a closed history never changes).
 */

export interface AuditReadOptions {
  /** Only actions at or after this time; device runs that closed before it are not read. */
  since?: Date;
  /** Histories read at once (default 16). */
  concurrency?: number;
  cache?: RunAuditCache;
  /** Hears the device histories read so far, out of how many. */
  onProgress?: (read: number, total: number) => void;
}

export interface MigrationAudit {
  migrationId: string;
  /** Histories read (fleet runs and device runs). */
  histories: number;
  entries: AuditEntry[];
}

interface RunRef {
  kind: 'device' | 'fleet';
  workflowId: string;
  runId: string;
  target: AuditTarget;
}

async function runAudit(client: Client, ref: RunRef, cache?: RunAuditCache): Promise<RunAudit> {
  const cached = cache?.get(ref.runId);
  if (cached) return cached;
  const run = await readRunAudit(client, ref.kind, ref.workflowId, ref.runId, ref.target);
  if (run.closed) cache?.set(ref.runId, run);
  return run;
}

/** The fleet's runs, latest first, through each run's continuedExecutionRunId; none without a fleet. */
async function fleetAudit(client: Client, migrationId: string, cache?: RunAuditCache) {
  const workflowId = fleetWorkflowId(migrationId);
  let runId: string | undefined;
  try {
    runId = (await client.workflow.getHandle(workflowId).describe()).runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { runs: 0, entries: [] };
    throw err;
  }
  const target: AuditTarget = { kind: 'migration', migrationId };
  const entries: AuditEntry[] = [];
  let runs = 0;
  for (; runId; runs++) {
    const run = await runAudit(client, { kind: 'fleet', workflowId, runId, target }, cache);
    entries.push(...run.entries);
    runId = run.previousRunId;
  }
  return { runs, entries };
}

async function deviceRuns(client: Client, migrationId: string, since?: Date): Promise<RunRef[]> {
  const refs: RunRef[] = [];
  for await (const wf of client.workflow.list({ query: migrationDevicesQuery(migrationId) })) {
    // A run closed before `since` holds no action after it.
    if (since && wf.closeTime && wf.closeTime < since) continue;
    const serial =
      wf.typedSearchAttributes.get(FerrySerial) ?? wf.workflowId.slice(wf.workflowId.lastIndexOf('/') + 1);
    refs.push({
      kind: 'device',
      workflowId: wf.workflowId,
      runId: wf.runId,
      target: { kind: 'device', serial },
    });
  }
  return refs;
}

export async function readMigrationAudit(
  client: Client,
  migrationId: string,
  options: AuditReadOptions = {},
): Promise<MigrationAudit> {
  const { since, cache, onProgress } = options;
  const [fleet, devices] = await Promise.all([
    fleetAudit(client, migrationId, cache),
    deviceRuns(client, migrationId, since),
  ]);
  if (fleet.runs === 0 && devices.length === 0) throw noSuchMigration(migrationId);
  const reading = pLimit(options.concurrency ?? 16);
  let read = 0;
  const perDevice = await Promise.all(
    devices.map((ref) =>
      reading(async () => {
        const run = await runAudit(client, ref, cache);
        onProgress?.(++read, devices.length);
        return run.entries;
      }),
    ),
  );
  const entries = [...fleet.entries, ...perDevice.flat()]
    .filter((e) => !since || new Date(e.at) >= since)
    .sort((a, b) => a.at.localeCompare(b.at) || targetKey(a).localeCompare(targetKey(b)));
  return { migrationId, histories: fleet.runs + devices.length, entries };
}

const targetKey = (e: AuditEntry) => (e.target.kind === 'device' ? e.target.serial : '');
