import { CancellationScope } from '@temporalio/workflow';
import {
  ABM_DEADLINE_PATH,
  ANDROID_ENTERPRISE_ON_TOKEN_PATH,
  NOTICE_BEFORE_SOURCE_COMMAND,
  Patches,
} from './patches';
import { PATH_STEPS, pathFor, type MigrationPath, type Step } from './paths';
import { DeviceStateKeeper } from './state';
import type {
  AbmAssignmentResult,
  DeviceInput,
  MigrateDeviceInput,
  MigrationDurations,
  MigrationOptions,
} from './messages';

/** One device's run, shared by its admin handlers, its steps and its rollback. */
export interface DeviceRun {
  readonly migrationId: string;
  readonly device: DeviceInput;
  readonly options: MigrationOptions;
  readonly durations: MigrationDurations;
  readonly path: MigrationPath;
  readonly steps: readonly Step[];
  readonly state: DeviceStateKeeper;
  readonly patches: Patches;
  /** The steps run in it; a cancel cancels it. */
  readonly work: CancellationScope;
  abmConfirmed: boolean;
  /** The fleet's bulk ABM assignment result for the current wait, and how many it has sent in all. */
  bulk: AbmAssignmentResult | undefined;
  bulkResults: number;
  /**
   * The fleet may have assigned the device in ABM: a cancel must undo it. On the deadline path until the
   * end; on the erase and standard paths until the source takes its command.
   */
  abmMayBeAssigned: boolean;
  manualRemovalWait: boolean;
  removalConfirmed: boolean;
  /** Workflow time (ms) the source command is due, as the user was told; unset until told or where none. */
  sourceCommandDue: number | undefined;
  /** Until the source takes its command: a re-sent message names the same time. */
  sourceCommandSent: boolean;
  /** Waiting out the notice period, and an admin's request to end it now. */
  noticeWait: boolean;
  sendNowRequested: boolean;
  retryRequested: boolean;
  cancelled: boolean;
  tokenBusy: boolean;
  expiredReissues: number;
}

export function startDeviceRun(input: MigrateDeviceInput): DeviceRun {
  const { migrationId, device, options } = input;
  const path = pathFor(device, options);
  const patches = new Patches(input.version);
  const steps = stepsFor(path, patches);
  const state = new DeviceStateKeeper(migrationId, device, path, patches.current);
  return {
    migrationId,
    device,
    options,
    durations: options.durations,
    path,
    steps,
    state,
    patches,
    work: new CancellationScope(),
    abmConfirmed: false,
    bulk: undefined,
    bulkResults: 0,
    abmMayBeAssigned: false,
    manualRemovalWait: false,
    removalConfirmed: false,
    sourceCommandDue: undefined,
    sourceCommandSent: false,
    noticeWait: false,
    sendNowRequested: false,
    retryRequested: false,
    cancelled: false,
    tokenBusy: false,
    expiredReissues: 0,
  };
}

/** The path's steps as this run's history has them: one recorded before a step existed replays without it. */
function stepsFor(path: MigrationPath, patches: Patches): readonly Step[] {
  // Devices on this path started before it existed failed at once.
  if (path === 'ios_ade_abm_deadline' && !patches.inForce(ABM_DEADLINE_PATH)) return [];
  const without = (step: Step) => PATH_STEPS[path].filter((s) => s !== step);
  if (path === 'ios_ade_erase' && !patches.inForce(NOTICE_BEFORE_SOURCE_COMMAND))
    return without('notifyUser');
  if (path === 'android_token' && !patches.inForce(ANDROID_ENTERPRISE_ON_TOKEN_PATH))
    return without('androidEnterprise');
  return PATH_STEPS[path];
}

export type StepResult = { ok: true } | { ok: false; reason: string; detail?: string };
export const OK: StepResult = { ok: true };
export const fail = (reason: string, detail?: string): StepResult => ({ ok: false, reason, detail });
