import { activityInfo, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { FailureType } from '../../workflows/failures';
import { NO_DEVICES_AWAITING_ABM } from '../../workflows/fleet/messages';
import {
  ABM_BULK_WAITING,
  abmAssignmentResult,
  deviceWorkflowId,
  type AbmAssignmentResult,
} from '../../workflows/device/messages';
import type { AbmTargetServerCheck } from '../../services/abm/gateway';
import { rollBackAbmAssignment, type AbmRollbackProgress } from '../device/abm-rollback';
import { quoted, runningDevicesQuery } from '../../temporal/visibility-queries';

export interface AssignDevicesInAbmInput {
  migrationId: string;
  serials: string[];
  /** ABM-deadline path: the migration deadline; without it, a plain assignment. */
  deadline?: string;
}

export interface AbmBatchResult {
  activityId?: string;
  /** Read back on the target's MDM server (those already there included). */
  assigned: number;
  /** Already on the target's server before this batch: nothing was sent for them. */
  alreadyAssigned: number;
  /** Apple reported the activity done, yet ABM shows them elsewhere. */
  notAssigned: { serial: string; assignedServer?: string }[];
  /** Assigned by this batch while their device workflow closed: rolled back again. */
  undone: string[];
}

interface BatchProgress {
  activityId?: string;
  toAssign: string[];
  undo?: AbmRollbackProgress;
}

export function awaitingAbmQuery(migrationId: string): string {
  return `${runningDevicesQuery(migrationId)} AND FerryStatus = 'abm_reassignment_pending' AND FerrySubStatus = ${quoted(ABM_BULK_WAITING)}`;
}

/** The fleet workflow's bulk ABM assignment: find the waiting devices, assign them in one activity, tell each. */
export function createAbmBulkActivities(deps: { client: Client; abm?: AbmTargetServerCheck }) {
  const { client, abm } = deps;

  return {
    /** Devices waiting for the bulk assignment, from visibility; a benign failure (polled) while none wait. */
    async findDevicesAwaitingAbm(input: { migrationId: string; limit: number }): Promise<string[]> {
      const serials: string[] = [];
      for await (const wf of client.workflow.list({ query: awaitingAbmQuery(input.migrationId) })) {
        serials.push(wf.workflowId.slice(input.migrationId.length + 1));
        if (serials.length >= input.limit) break;
      }
      if (serials.length > 0) return serials;
      throw ApplicationFailure.create({
        type: NO_DEVICES_AWAITING_ABM,
        message: 'no device waits for the bulk ABM assignment',
        category: ApplicationFailureCategory.BENIGN,
      });
    },

    /**
     * One ABM activity for the batch, followed to its end, then every device read back (one list of the
     * target server's devices, not a GET each) and told its own result. Looks before it acts: devices
     * already on the target are not sent, and a retried attempt follows the activity it created.
     */
    async assignDevicesInAbm(input: AssignDevicesInAbmInput): Promise<AbmBatchResult> {
      if (!abm) {
        throw ApplicationFailure.create({
          type: FailureType.AbmNotConfigured,
          message:
            'the worker has no Apple Business Manager credentials (ABM_CLIENT_ID, ABM_KEY_ID, ABM_PRIVATE_KEY_PATH, ABM_TARGET_SERVER_ID)',
          nonRetryable: true,
        });
      }
      const { migrationId, serials, deadline } = input;
      const resumed = activityInfo().heartbeatDetails as BatchProgress | undefined;
      const before = resumed ? undefined : await abm.serialsOnTarget();
      const p: BatchProgress = resumed ?? { toAssign: serials.filter((s) => !before!.has(s)) };
      if (p.toAssign.length > 0) {
        const activity = await abm.runActivity({
          activityType: deadline ? 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE' : 'ASSIGN_DEVICES',
          serials: p.toAssign,
          deadline,
          resume: p.activityId,
          progress: (activityId) => heartbeat({ ...p, activityId }),
        });
        p.activityId = activity.id;
      }
      const after = await abm.serialsOnTarget();
      const elsewhere = await abm.assignedServersOf(serials.filter((s) => !after.has(s)));
      const ours = new Set(p.toAssign);
      const notAssigned: AbmBatchResult['notAssigned'] = [];
      const closed: string[] = [];
      for (const serial of serials) {
        const result: AbmAssignmentResult = after.has(serial)
          ? { assigned: true, activityId: p.activityId, deadline: ours.has(serial) ? deadline : undefined }
          : { assigned: false, activityId: p.activityId, assignedServer: elsewhere.get(serial) };
        if (!result.assigned) notAssigned.push({ serial, assignedServer: result.assignedServer });
        try {
          await client.workflow
            .getHandle(deviceWorkflowId(migrationId, serial))
            .signal(abmAssignmentResult, result);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          if (result.assigned && ours.has(serial)) closed.push(serial);
        }
        heartbeat(p);
      }
      // A device cancelled while its assignment ran would still move at the deadline: undo Ferry's part.
      if (closed.length > 0) {
        await rollBackAbmAssignment(abm, closed, p.undo ?? {}, (undo) => heartbeat({ ...p, undo }));
      }
      return {
        activityId: p.activityId,
        assigned: serials.length - notAssigned.length,
        alreadyAssigned: serials.length - p.toAssign.length,
        notAssigned,
        undone: closed,
      };
    },
  };
}
