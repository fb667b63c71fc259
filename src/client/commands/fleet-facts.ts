import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  fleetWorkflowId,
  getMigrationProgress,
  type FleetInput,
  type FleetProgress,
  type FleetSummary,
} from '../../workflows/fleet/messages';
import { firstLine } from './flags';

/**
 * What Temporal itself says about a migration's fleet workflow, each fact from the call that answers it
 * without a worker where one exists: describe (running or closed, when, on which task queue), the
 * result of a closed run, the task queue's pollers, the first event of the run (its input). Only the
 * progress query needs a worker, and it is asked only when one polls.
 */

/** A worker long-polls about once a minute; a poller not seen for longer has stopped. */
const LIVE_POLLER_MS = 2 * 60_000;
/** A query that a polling worker does not answer in this time will not be answered. */
const QUERY_TIMEOUT_MS = 10_000;
/** A closed fleet's query only adds details: a worker that just stopped must not hold the answer long. */
const CLOSED_QUERY_TIMEOUT_MS = 3_000;

export interface FleetFacts {
  workflowId: string;
  taskQueue: string;
  /** Temporal's status of the latest run: RUNNING, COMPLETED, TERMINATED, FAILED, TIMED_OUT, CANCELLED. */
  execution: string;
  /** When the latest run closed (ISO 8601); absent while it runs. */
  closedAt?: string;
  /** A worker polled the fleet's task queue within the last two minutes. */
  workerPolling: boolean;
  lastPollAt?: string;
  /** The fleet's own account (getMigrationProgress), when a worker answered it. */
  progress?: FleetProgress;
  /** The return value of a completed fleet. */
  result?: FleetSummary;
  /** The migration's --concurrency, its list's size, name and who started it when, from the run's input. */
  concurrency?: number;
  deviceCount?: number;
  name?: string;
  startedBy?: string;
  startedAt?: string;
  /** Why a polling worker gave no progress. */
  queryError?: string;
}

/** Undefined when no fleet workflow has this migration's id (never started, or deleted by retention). */
export async function readFleet(
  client: Client,
  namespace: string,
  migrationId: string,
): Promise<FleetFacts | undefined> {
  const workflowId = fleetWorkflowId(migrationId);
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const execution = description.status.name;
  const running = execution === 'RUNNING';
  const [pollers, input, result] = await Promise.all([
    lastPoll(client, namespace, description.taskQueue),
    runInput(client, namespace, workflowId, description.runId).catch(() => undefined),
    execution === 'COMPLETED' ? (handle.result() as Promise<FleetSummary>) : undefined,
  ]);
  const facts: FleetFacts = {
    workflowId,
    taskQueue: description.taskQueue,
    execution,
    ...(description.closeTime ? { closedAt: description.closeTime.toISOString() } : {}),
    workerPolling: pollers.live,
    ...(pollers.lastPollAt ? { lastPollAt: pollers.lastPollAt } : {}),
    ...(result ? { result } : {}),
    ...(input
      ? {
          concurrency: input.rollout.concurrency,
          deviceCount: input.deviceCount,
          name: input.name,
          ...(input.startedBy ? { startedBy: input.startedBy } : {}),
          ...(input.startedAt ? { startedAt: input.startedAt } : {}),
        }
      : {}),
  };
  // A closed fleet is answered by its result; its query only adds details (the bulk ABM assignment).
  if (!pollers.live || (!running && execution !== 'COMPLETED')) return facts;
  // A deadline on the call itself: a timer around it would leave the RPC (and the process) waiting.
  const timeoutMs = running ? QUERY_TIMEOUT_MS : CLOSED_QUERY_TIMEOUT_MS;
  try {
    facts.progress = await client.withDeadline(Date.now() + timeoutMs, () =>
      handle.query(getMigrationProgress),
    );
  } catch (err) {
    if (running) facts.queryError = `no answer within ${timeoutMs / 1000} s: ${firstLine(err)}`;
  }
  return facts;
}

/** The newest poll of the task queue's workflow tasks, and whether it is recent enough to be a live worker. */
async function lastPoll(
  client: Client,
  namespace: string,
  taskQueue: string,
): Promise<{ live: boolean; lastPollAt?: string }> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const times = (pollers ?? [])
    .map((p) => timestampMs(p.lastAccessTime))
    .filter((t): t is number => t !== undefined);
  if (times.length === 0) return { live: false };
  const newest = Math.max(...times);
  return { live: Date.now() - newest < LIVE_POLLER_MS, lastPollAt: new Date(newest).toISOString() };
}

function timestampMs(ts: temporal.api.taskqueue.v1.IPollerInfo['lastAccessTime']): number | undefined {
  if (!ts?.seconds) return undefined;
  // seconds is a protobuf Long; its decimal text is exact.
  return Number(ts.seconds.toString()) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** The run's input from its first history event (one event read, whatever the history's size). */
async function runInput(
  client: Client,
  namespace: string,
  workflowId: string,
  runId: string,
): Promise<FleetInput | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  return client.options.loadedDataConverter.payloadConverter.fromPayload<FleetInput>(payload);
}
