import type { Client } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import {
  decodeFromPayloadsAtIndex,
  decodeOptionalFailureToOptionalError,
} from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { DEVICE_ACTIONS, describeOutcome, type DeviceActionName } from '../device-action';
import { MIGRATION_ACTIONS } from '../migration-action';
import { rolloutText } from '../rollout-text';
import { firstLine } from '../commands/flags';
import {
  abmReassignmentConfirmed,
  type AdminRequest,
  type DeviceState,
} from '../../workflows/device/messages';
import type { FleetInput, FleetProgress } from '../../workflows/fleet/messages';
import type { AuditEntry, AuditOutcome, AuditTarget, AuditWho } from './entry';

/**
 * The admin actions in one run's history: each accepted update (WorkflowExecutionUpdateAccepted: who sent
 * it, its arguments) with its answer (WorkflowExecutionUpdateCompleted), the legacy confirmation signal,
 * and a migration's start. Arguments and answers are decoded with the client's data converter, payload
 * codec included. An update the workflow's validator rejected is not in the history (Temporal keeps no
 * record of it), so it is not here either.
 */

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface RunAudit {
  entries: AuditEntry[];
  /** The run this one continued (continue-as-new), to read next. */
  previousRunId?: string;
  /** The run ended: its history will not change (it may be cached). */
  closed: boolean;
}

const DEVICE_UPDATES = new Map(
  Object.entries(DEVICE_ACTIONS).map(([name, a]) => [a.update.name, name as DeviceActionName]),
);
const FLEET_UPDATES = new Map(Object.entries(MIGRATION_ACTIONS).map(([name, a]) => [a.update.name, name]));

const CLOSING = [
  'workflowExecutionCompletedEventAttributes',
  'workflowExecutionFailedEventAttributes',
  'workflowExecutionTimedOutEventAttributes',
  'workflowExecutionCanceledEventAttributes',
  'workflowExecutionTerminatedEventAttributes',
  'workflowExecutionContinuedAsNewEventAttributes',
] as const;

const whenOf = (event: HistoryEvent) => new Date(optionalTsToMs(event.eventTime) ?? 0).toISOString();

function whoOf(request: AdminRequest | undefined, identity: string | null | undefined): AuditWho {
  const actor = request?.actor;
  const who: AuditWho = { ...(request?.by ? { name: request.by } : {}) };
  if (actor?.via === 'console')
    Object.assign(who, { via: 'console', subject: actor.subject, role: actor.role });
  if (actor?.via === 'cli')
    Object.assign(who, { via: 'cli', ...(actor.osLogin ? { osLogin: actor.osLogin } : {}) });
  const temporalIdentity = identity || (actor?.via === 'cli' ? actor.temporalIdentity : undefined);
  return temporalIdentity ? { ...who, temporalIdentity } : who;
}

/** What the update answered, in the words the CLI prints when it sends it. */
async function answerOf(
  converter: LoadedDataConverter,
  kind: 'device' | 'fleet',
  action: string,
  outcome: temporal.api.update.v1.IOutcome | null | undefined,
): Promise<{ outcome: AuditOutcome; answer: string }> {
  if (!outcome) return { outcome: 'pending', answer: 'accepted, not answered yet' };
  if (outcome.failure) {
    const error = await decodeOptionalFailureToOptionalError(converter, outcome.failure);
    return { outcome: 'failed', answer: firstLine(error ?? 'failed') };
  }
  const value = await decodeFromPayloadsAtIndex<unknown>(converter, 0, outcome.success?.payloads);
  if (kind === 'device') {
    const state = value as DeviceState;
    return { outcome: 'done', answer: describeOutcome(action as DeviceActionName, { kind: 'done', state }) };
  }
  return { outcome: 'done', answer: `${action} done: ${rolloutText(value as FleetProgress)}` };
}

async function startEntry(
  converter: LoadedDataConverter,
  event: HistoryEvent,
  base: { workflowId: string; runId: string; target: AuditTarget },
): Promise<AuditEntry | undefined> {
  const started = event.workflowExecutionStartedEventAttributes!;
  const input = await decodeFromPayloadsAtIndex<FleetInput>(converter, 0, started.input?.payloads);
  const who: AuditWho = { ...whoOf({ by: input.startedBy, actor: input.startedActor }, started.identity) };
  return {
    ...base,
    at: input.startedAt ?? whenOf(event),
    who,
    action: 'start',
    outcome: 'done',
    answer: `started "${input.name}" with ${input.deviceCount} devices`,
  };
}

/** The admin actions of one run of a fleet (`kind: 'fleet'`) or device workflow. */
export async function readRunAudit(
  client: Client,
  kind: 'device' | 'fleet',
  workflowId: string,
  runId: string,
  target: AuditTarget,
): Promise<RunAudit> {
  const converter = client.options.loadedDataConverter;
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const base = { workflowId, runId, target };
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const previousRunId = started?.continuedExecutionRunId || undefined;
  const entries: AuditEntry[] = [];
  if (kind === 'fleet' && started && !previousRunId) {
    const entry = await startEntry(converter, events[0]!, base);
    if (entry) entries.push(entry);
  }
  const completed = new Map<string, temporal.api.update.v1.IOutcome | null | undefined>();
  for (const e of events) {
    const done = e.workflowExecutionUpdateCompletedEventAttributes;
    if (done?.meta?.updateId) completed.set(done.meta.updateId, done.outcome);
  }
  const names = kind === 'device' ? DEVICE_UPDATES : FLEET_UPDATES;
  for (const e of events) {
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (accepted) {
      const action = names.get(accepted.input?.name ?? '') ?? accepted.input?.name ?? 'update';
      const request = await decodeFromPayloadsAtIndex<AdminRequest | undefined>(
        converter,
        0,
        accepted.input?.args?.payloads,
      );
      const updateId = accepted.meta?.updateId ?? '';
      entries.push({
        ...base,
        at: whenOf(e),
        who: whoOf(request, accepted.meta?.identity),
        action,
        ...(request?.reason ? { reason: request.reason } : {}),
        ...(await answerOf(
          converter,
          kind,
          action,
          completed.has(updateId) ? completed.get(updateId) : null,
        )),
      });
    } else if (signal?.signalName === abmReassignmentConfirmed.name) {
      const request = await decodeFromPayloadsAtIndex<AdminRequest | undefined>(
        converter,
        0,
        signal.input?.payloads,
      );
      entries.push({
        ...base,
        at: whenOf(e),
        who: whoOf(request, signal.identity),
        action: 'confirm-abm (signal)',
        ...(request?.reason ? { reason: request.reason } : {}),
        outcome: 'done',
        answer: 'signal received (signals have no answer)',
      });
    }
  }
  const last = events[events.length - 1];
  const closed = last !== undefined && CLOSING.some((attrs) => Boolean(last[attrs]));
  return { entries, ...(previousRunId ? { previousRunId } : {}), closed };
}
