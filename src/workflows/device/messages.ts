import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import ms from 'ms';

/**
 * The contract between the device workflow, the CLI and the tests: inputs, statuses, admin actions.
 * Everything here is plain JSON (it crosses history, queries and continue-as-new).
 */

export const PLATFORMS = ['ios', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * `unknown`: an Android device whose source cannot tell fully managed from work profile (no Workspace ONE
 * device model says it). Such a device fails closed at its first step, before anything is sent: the
 * admin declares its kind in the device list.
 */
export const ENROLLMENT_KINDS = [
  'ade',
  'standard',
  'legacy',
  'work_profile',
  'fully_managed',
  'unknown',
] as const;
export type EnrollmentKind = (typeof ENROLLMENT_KINDS)[number];

export const DEVICE_STATUSES = [
  'getting_ready',
  'abm_reassignment_pending',
  'ade_sync',
  'ready',
  'started',
  'unenrolling',
  'unenrolled',
  'reenrolling',
  'reenrolled',
  'failed',
] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** Failure reasons in words an admin can act on (SPEC §3); retry policies never parse them. */
export const FailureReason = {
  TargetUserNotFound: 'Target user not found',
  AbmNotConfirmed: 'ABM reassignment not confirmed in time',
  AdeNotSynced: 'Device not synced to the target ADE token',
  AdeProfileMisconfigured: 'ADE profile misconfigured',
  AndroidEnterpriseNotRegistered: 'Android Enterprise not registered on the target',
  TokenExpiredTooManyTimes: 'Token expired too many times',
  EnrollmentTimedOut: 'Enrollment timed out',
  EnrolledToWrongUser: 'Enrolled to a different user',
  SourceRefusedCommand: 'Source refused command',
  /** No source record is surely the listed device, so no command was sent (detail: the records, the fix). */
  SourceDeviceNotMatched: 'Source device not matched',
  SourceRemovalTimedOut: 'Source did not confirm removal',
  CancelledByAdmin: 'Cancelled by admin',
  PathNotAvailable: 'Migration path not available',
  AbmAssignmentNotDone: 'ABM assignment not done',
  ServiceUnavailable: 'A service did not answer',
  ServiceRejectedCredentials: 'A service rejected Ferry credentials',
  ServiceRejectedRequest: 'A service rejected the request',
  /** The source cannot tell fully managed from work profile; nothing was sent for the device. */
  AndroidEnrollmentKindUnknown: 'Android enrollment kind unknown: declare it in the device list',
  /** ADE erase path: the target kept the device on the ADE staging user (detail: the admin's action). */
  EnrolledUnderStagingUser: 'Device enrolled under the staging user',
  /** A token the target issued does not match the migration's declared token settings (detail: which). */
  TokenSettingsDiffer: 'Token settings differ from the declared ones',
  /** The worker has no Android staging enrollment (QR payload) to give the user before the wipe. */
  AndroidStagingNotDeclared: 'Android staging enrollment not declared',
} as const;

export interface DeviceInput {
  serialNumber: string;
  platform: Platform;
  enrollmentKind: EnrollmentKind;
  /** The source user's email; sensitive: pino redacts it, the workflow never logs it. */
  userEmail: string;
  udid?: string;
  imei?: string;
  model?: string;
  friendlyName?: string;
  sourceDeviceId?: string;
}

/** Durations are strings Temporal understands ('5 minutes', '14 days'). */
export interface MigrationDurations {
  abmWait: Duration;
  abmCheckInterval: Duration;
  adeSyncTimeout: Duration;
  adeSyncCheckInterval: Duration;
  sourceRemovalTimeout: Duration;
  sourceRemovalCheckInterval: Duration;
  enrollmentTimeout: Duration;
  enrollmentCheckInterval: Duration;
  /** How long a failed device stays open for retry or cancel before its workflow closes. */
  failedRetention: Duration;
}

export interface MigrationOptions {
  iosAdeMethod: 'erase' | 'standard' | 'abm_deadline';
  android: 'wipe_to_fully_managed' | 'keep';
  userMatching: 'email' | 'local_part';
  /** With local_part matching: source mail domain -> target mail domain. */
  domainMap: Record<string, string>;
  /** Where un-enrollment happens: the worker's source tenant (Workspace ONE or Intune), or by hand ('manual'). */
  source: 'workspace-one' | 'intune' | 'manual';
  maxTokenReissues: number;
  durations: MigrationDurations;
  /**
   * Ferry assigns ADE devices to the target's MDM server in Apple Business Manager itself, in bulk, once an
   * admin approves it on the migration (`ferry approve-abm`). The ABM-deadline path always does. Optional:
   * inputs recorded before it existed leave it out.
   */
  abmAutoAssign?: boolean;
  /** ABM-deadline path: days from the bulk assignment to the deadline Apple enforces (1 to 90; default 14). */
  abmDeadlineDays?: number;
  /**
   * How long after telling the user the source retires or wipes the device (the message names that time).
   * Absent: the command follows the message at once. Optional: inputs recorded before it existed lack it.
   */
  noticePeriod?: Duration;
  /**
   * The target's registration token settings as the admin declares them: the API does not expose them.
   * Shown by preflight as declared; every new token is checked against them. Optional: inputs recorded
   * before it existed lack it, and an admin may declare only what they know.
   */
  tokenSettings?: DeclaredTokenSettings;
}

/** The console's Devices & Users > General > Enrollment > Authentication settings, as declared. */
export interface DeclaredTokenSettings {
  /** Devices Enrollment Mode; Ferry's token paths need registered_devices_only. */
  enrollmentMode?: 'registered_devices_only' | 'open';
  /** Require Registration Token; Ferry's token paths need it on. */
  requireRegistrationToken?: boolean;
  /** Registration Token Type; Ferry's message gives the user only the token, so single_factor. */
  registrationTokenType?: 'single_factor' | 'two_factor';
  /** Registration Token Length: 6 to 20 alphanumeric characters. */
  registrationTokenLength?: number;
  /** Token Expiration Time, in hours. */
  tokenExpirationHours?: number;
}

/** A Duration in milliseconds, read as Temporal reads it: a number passes through, a string it cannot read throws. */
export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const millis = ms(duration);
  if (Number.isNaN(millis)) throw new TypeError(`Invalid duration string: '${duration}'`);
  return millis;
}

export const DEFAULT_ABM_DEADLINE_DAYS = 14;

export const DEFAULT_DURATIONS: MigrationDurations = {
  abmWait: '30 days',
  abmCheckInterval: '1 hour',
  adeSyncTimeout: '2 days',
  adeSyncCheckInterval: '15 minutes',
  sourceRemovalTimeout: '3 days',
  sourceRemovalCheckInterval: '10 minutes',
  enrollmentTimeout: '14 days',
  enrollmentCheckInterval: '10 minutes',
  failedRetention: '30 days',
};

export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = {
  iosAdeMethod: 'erase',
  android: 'keep',
  userMatching: 'email',
  domainMap: {},
  source: 'workspace-one',
  maxTokenReissues: 3,
  durations: DEFAULT_DURATIONS,
  abmAutoAssign: false,
  abmDeadlineDays: DEFAULT_ABM_DEADLINE_DAYS,
};

/** Apple refuses a migration deadline further ahead than this. */
export const MAX_ABM_DEADLINE_DAYS = 90;

/**
 * The sub-status of a device waiting for the fleet's bulk ABM assignment: the fleet finds these devices
 * through visibility by this exact value.
 */
export const ABM_BULK_WAITING = 'waiting for the bulk ABM assignment';

/**
 * The device workflow's version, carried in its input (MigrateDeviceInput.version) by whoever starts it.
 * Version 2: every patch in patches.ts is in force, and the device's search attributes are published once per
 * workflow task (search-attribute-publisher.ts). A patch costs each run two history events (its marker and the SDK's
 * `TemporalChangeVersion` upsert); a version fixed at the start costs none. Histories started without a
 * version (before it) ask for each patch where they always did, and replay as they ran.
 */
export const DEVICE_WORKFLOW_VERSION = 2;

/** The device's first status and sub-status: its first step looks its user up. The start sets them too. */
export const FIRST_STATUS = { status: 'getting_ready', subStatus: 'looking for user on target' } as const;

export interface MigrateDeviceInput {
  migrationId: string;
  device: DeviceInput;
  options: MigrationOptions;
  /** The workflow version the run started at (DEVICE_WORKFLOW_VERSION, set by startDeviceMigration). */
  version?: number;
}

export interface StatusChange {
  status: DeviceStatus;
  subStatus?: string;
  at: string;
}

export interface TargetUserRef {
  id: number;
  uuid: string;
  userName: string;
}

export interface AdminActionRecord {
  action: string;
  by?: string;
  reason?: string;
  actor?: AdminActor;
  at: string;
}

export interface DeviceState {
  migrationId: string;
  serialNumber: string;
  platform: Platform;
  path: string;
  status: DeviceStatus;
  subStatus?: string;
  /** The step a retry re-runs; set while failed. */
  failedStep?: string;
  history: StatusChange[];
  adminActions: AdminActionRecord[];
  targetUser?: TargetUserRef;
  tokenExpiresAt?: string;
  tokensIssued: number;
  targetDeviceId?: number;
  /** ABM-deadline path: the migration deadline Apple enforces, once the device is assigned. */
  abmDeadline?: string;
  /** When the source retires or wipes the device, as its user was told (set when the user is told). */
  sourceCommandAt?: string;
  /** True once the workflow has closed (re-enrolled, cancelled, or failed past its retention). */
  closed: boolean;
}

/**
 * Who sent an admin action, as the sender knows it (recorded with the update's arguments in the history,
 * where `ferry audit` reads it): the console's signed-in person, or the CLI's OS login and the identity
 * its Temporal client connected with. Never a credential.
 */
export type AdminActor =
  | { via: 'console'; subject: string; name: string; role: string }
  | { via: 'cli'; osLogin?: string; temporalIdentity?: string };

export interface AdminRequest {
  /** Who asked, for the device's history (an admin name or ticket), never a credential. */
  by?: string;
  reason?: string;
  /** The sender's structured identity; absent in requests sent before it existed (and by bulk tools). */
  actor?: AdminActor;
}

/** What the fleet's bulk ABM assignment read back for one device (never just Apple's COMPLETED). */
export interface AbmAssignmentResult {
  assigned: boolean;
  /** Apple's orgDeviceActivity id, for the admin to find it in ABM. */
  activityId?: string;
  /** Where ABM shows the device when it is not on the target's server; absent: no server. */
  assignedServer?: string;
  deadline?: string;
}

export const getDeviceState = defineQuery<DeviceState>('getDeviceState');
/** Fire-and-forget confirmation, for bulk tools; the update below answers instead. */
export const abmReassignmentConfirmed = defineSignal<[AdminRequest]>('abmReassignmentConfirmed');
export const confirmAbmReassignment = defineUpdate<DeviceState, [AdminRequest]>('confirmAbmReassignment');
export const retryDevice = defineUpdate<DeviceState, [AdminRequest]>('retryDevice');
export const cancelDevice = defineUpdate<DeviceState, [AdminRequest]>('cancelDevice');
export const renotifyUser = defineUpdate<DeviceState, [AdminRequest]>('renotifyUser');
export const reissueToken = defineUpdate<DeviceState, [AdminRequest]>('reissueToken');
/** Sent by the fleet's bulk ABM assignment to each device it covered. */
export const abmAssignmentResult = defineSignal<[AbmAssignmentResult]>('abmAssignmentResult');
/** Manual source: an admin confirms the device was removed from the source by hand. */
export const confirmSourceRemoval = defineUpdate<DeviceState, [AdminRequest]>('confirmSourceRemoval');
/** Ends a device's notice period early: its user was told, and the source retires or wipes it now. */
export const sendSourceCommandNow = defineUpdate<DeviceState, [AdminRequest]>('sendSourceCommandNow');

export function deviceWorkflowId(migrationId: string, serialNumber: string): string {
  return `${migrationId}/${serialNumber}`;
}
