import type { Duration } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AdminActor, AdminRequest, MigrationOptions } from '../device/messages';
import { FailureType } from '../failures';

/**
 * The contract of the fleet workflow (one per migration): its input, the cursor it carries across
 * continue-as-new, admin updates and the progress query. Everything is plain JSON; the rules that read
 * them are in rollout.ts.
 */

export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_POLL_INTERVAL: Duration = '30 seconds';
/** ~15 events per batch keeps a run near 1,500 events, far below the 51,200 limit (and the 10,240 warning). */
export const DEFAULT_BATCHES_PER_RUN = 100;
export const MAX_CONCURRENCY = 1000;
export const MAX_BATCH_SIZE = 1000;
/** The failure type countRunningDevices answers with while too many devices run (benign: retried, not logged). */
export const DEVICES_STILL_RUNNING = FailureType.DevicesStillRunning;
/** The same for findDevicesAwaitingAbm while no device waits for the bulk ABM assignment. */
export const NO_DEVICES_AWAITING_ABM = FailureType.NoDevicesAwaitingAbm;
/** Apple allows about 10 activity POSTs an hour: one bulk assignment per 10 minutes stays below it. */
export const DEFAULT_ABM_ASSIGN_INTERVAL: Duration = '10 minutes';
/** Serials per ABM activity (Apple's list calls page at 1,000; it publishes no activity limit). */
export const MAX_ABM_BATCH = 1000;
/** Devices failed for one tenant-level reason that pause a migration, unless its rollout says otherwise. */
export const DEFAULT_BREAKER_FAILURES = 5;

export interface FleetRollout {
  /**
   * Devices in flight at once (1 to 1000). A failed device waiting for an admin's retry does not hold a
   * slot; a device waiting for its user or for an ABM approval does (see docs/device-lifecycle.md).
   */
  concurrency: number;
  /** Devices started per activity call; default 100. */
  batchSize?: number;
  devicesPerHour?: number;
  /** Devices per wave; with approveWaves each wave after the first waits for approveWave. */
  waveSize?: number;
  approveWaves: boolean;
  /** How often to re-count running devices while the window is full; default 30 seconds. */
  pollInterval?: Duration;
  /** Batches per run before continue-as-new; default 100. */
  batchesPerRun?: number;
  /** Least time between two bulk ABM assignments; default 10 minutes. */
  abmAssignInterval?: Duration;
  /**
   * The circuit breaker: this many devices failed for one tenant-level reason (since the migration
   * started or was last resumed) pause the migration before it starts more; default 5, 0 turns it off.
   */
  breakerFailures?: number;
}

/** Why the circuit breaker paused a migration: the reason devices failed for, and what to fix. */
export interface BreakerTrip {
  /** The failure reason (FailureReason) shared by the devices. */
  reason: string;
  /** Devices open and failed for it when the breaker tripped. */
  devices: number;
  /** The setting or credential to fix before `ferry resume`. */
  fix: string;
}

/** Why a migration is paused: an admin's pause, or the circuit breaker. */
export interface PauseNote {
  /** Who paused it: the admin's `by`, or 'circuit breaker'. */
  by: string;
  /** Workflow time, ISO 8601. */
  at: string;
  breaker?: BreakerTrip;
}

/** A device of the list Temporal refused to start (e.g. an id it cannot take): the rollout goes on. */
export interface NotStartedDevice {
  /** Line index in the saved list (0-based). */
  offset: number;
  /** The serial as listed, shortened to 64 characters for display. */
  serialNumber: string;
  reason: string;
}

/** Where a migration stands as a whole; the fleet's own account, not a count of devices. */
export type FleetState =
  | 'rolling_out'
  | 'paused'
  | 'waiting_for_wave'
  /** Every device was started; the fleet waits for the open ones to close. */
  | 'finishing'
  | 'finished'
  | 'cancelled';

/** The bulk ABM assignment of a migration that assigns devices in Apple Business Manager itself. */
export interface AbmBulkProgress {
  /** Given by an admin (approveAbmAssignment); nothing is assigned before. */
  approved: boolean;
  approvedBy?: string;
  /** ABM activities run (one per batch of waiting devices). */
  batches: number;
  /** Devices Ferry moved to the target's MDM server (read back), and those Apple reported but left elsewhere. */
  assigned: number;
  notAssigned: number;
  /** Devices assigned whose workflow had closed meanwhile, rolled back again. */
  undone: number;
  /** The latest devices Apple reported done but did not move (at most 20), for the admin to look up. */
  lastNotAssigned: { serial: string; assignedServer?: string }[];
  /** Why assignments stopped (e.g. the worker has no ABM credentials); approving again resumes them. */
  error?: string;
  /** Workflow time of the last bulk assignment, for the spacing Apple's rate limits need. */
  lastBatchAt?: number;
}

/** Token bucket for devicesPerHour, in workflow time (epoch ms). */
export interface RateBucket {
  tokens: number;
  at: number;
}

/** The rollout's position: everything a run hands to the next one through continue-as-new. */
export interface FleetCursor {
  /** Index in the saved device list of the next device to start. */
  nextOffset: number;
  /** Devices whose workflow this migration started (or found running). */
  started: number;
  /** Devices whose workflow had already closed (a re-run after a restart, or started by hand). */
  alreadyStarted: number;
  batches: number;
  /** Runs completed before this one (continue-as-new count). */
  runs: number;
  paused: boolean;
  /** Waves allowed to start; the first wave is approved by starting the migration. */
  wavesApproved: number;
  /** Set by startAll: waves and devicesPerHour no longer apply. */
  startAll: boolean;
  cancelled: boolean;
  cancelledBy?: string;
  /** nextOffset when running devices were last counted: later starts may not be visible yet. */
  countedUpTo: number;
  /** The saved list ended before deviceCount (it is never expected to, but the loop must still end). */
  listEnded: boolean;
  rate?: RateBucket;
  /** Present when the migration assigns devices in ABM (abmAutoAssign or the abm_deadline method). */
  abm?: AbmBulkProgress;
  /** Devices Temporal refused to start (recorded in the store with their reasons). */
  notStarted?: number;
  /** Why the migration is paused (absent in runs recorded before pauses said why). */
  pause?: PauseNote;
  /** Workflow time (epoch ms) the breaker counts failures from: the start, then each resume. */
  breakerSince?: number;
  /** Set when the run returns, so a query on the closed workflow says so. */
  finished?: boolean;
}

export interface FleetInput {
  migrationId: string;
  name: string;
  deviceCount: number;
  options: MigrationOptions;
  rollout: FleetRollout;
  /** Who started the migration and when (ISO 8601), for the console's list; absent on older runs. */
  startedBy?: string;
  startedAt?: string;
  /** Who started it, structured (see AdminActor); absent on older runs. */
  startedActor?: AdminActor;
  /** Absent on the first run; set by continue-as-new. */
  state?: FleetCursor;
}

export interface FleetProgress {
  migrationId: string;
  name: string;
  total: number;
  started: number;
  alreadyStarted: number;
  paused: boolean;
  cancelled: boolean;
  startAll: boolean;
  waitingForWaveApproval: boolean;
  /** The wave being started (1-based); 1 without waves. */
  wave: number;
  waves: number;
  nextOffset: number;
  /** This run's number, 1-based (one more per continue-as-new). */
  run: number;
  abm?: AbmBulkProgress;
  state: FleetState;
  pause?: PauseNote;
  notStarted: number;
  /** The circuit breaker's threshold (0: off). */
  breakerFailures: number;
}

export interface FleetSummary {
  migrationId: string;
  name: string;
  total: number;
  started: number;
  alreadyStarted: number;
  batches: number;
  runs: number;
  cancelled: boolean;
  devicesCancelled: number;
  devicesSkipped: number;
  notStarted: number;
}

export const getMigrationProgress = defineQuery<FleetProgress>('getMigrationProgress');
export const pauseMigration = defineUpdate<FleetProgress, [AdminRequest]>('pauseMigration');
export const resumeMigration = defineUpdate<FleetProgress, [AdminRequest]>('resumeMigration');
export const approveWave = defineUpdate<FleetProgress, [AdminRequest]>('approveWave');
export const startAll = defineUpdate<FleetProgress, [AdminRequest]>('startAll');
export const cancelMigration = defineUpdate<FleetProgress, [AdminRequest]>('cancelMigration');
export const approveAbmAssignment = defineUpdate<FleetProgress, [AdminRequest]>('approveAbmAssignment');

export type FleetAction = 'pause' | 'resume' | 'approveWave' | 'startAll' | 'cancel' | 'approveAbm';

export function fleetWorkflowId(migrationId: string): string {
  return `migration/${migrationId}`;
}
