import type { Duration } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { DEFAULT_ABM_DEADLINE_DAYS, type AdminRequest, type MigrationOptions } from './messages';

/**
 * The contract of the fleet workflow (one per migration): its input, the cursor it carries across
 * continue-as-new, admin updates and the progress query, plus the pure rollout rules (waves, pacing,
 * which action fits when) that the workflow, the CLI and the tests share. Everything is plain JSON.
 */

export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_POLL_INTERVAL: Duration = '30 seconds';
/** ~15 events per batch keeps a run near 1,500 events, far below the 51,200 limit (and the 10,240 warning). */
export const DEFAULT_BATCHES_PER_RUN = 100;
export const MAX_CONCURRENCY = 1000;
export const MAX_BATCH_SIZE = 1000;
/** The failure type countRunningDevices answers with while too many devices run (benign: retried, not logged). */
export const DEVICES_STILL_RUNNING = 'DevicesStillRunning';
/** The same for findDevicesAwaitingAbm while no device waits for the bulk ABM assignment. */
export const NO_DEVICES_AWAITING_ABM = 'NoDevicesAwaitingAbm';
/** Apple allows about 10 activity POSTs an hour: one bulk assignment per 10 minutes stays below it. */
export const DEFAULT_ABM_ASSIGN_INTERVAL: Duration = '10 minutes';
/** Serials per ABM activity (Apple's list calls page at 1,000; it publishes no activity limit). */
export const MAX_ABM_BATCH = 1000;

export interface FleetRollout {
  /** Devices running at once (1 to 1000); devices waiting for an admin (failed, ABM) hold their slot. */
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
}

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
}

export interface FleetInput {
  migrationId: string;
  name: string;
  deviceCount: number;
  options: MigrationOptions;
  rollout: FleetRollout;
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
}

export const getMigrationProgress = defineQuery<FleetProgress>('getMigrationProgress');
export const pauseMigration = defineUpdate<FleetProgress, [AdminRequest]>('pauseMigration');
export const resumeMigration = defineUpdate<FleetProgress, [AdminRequest]>('resumeMigration');
export const approveWave = defineUpdate<FleetProgress, [AdminRequest]>('approveWave');
export const startAll = defineUpdate<FleetProgress, [AdminRequest]>('startAll');
export const cancelMigration = defineUpdate<FleetProgress, [AdminRequest]>('cancelMigration');
export const approveAbmAssignment = defineUpdate<FleetProgress, [AdminRequest]>('approveAbmAssignment');

export type FleetAction = 'pause' | 'resume' | 'approveWave' | 'startAll' | 'cancel' | 'approveAbm';

/** Whether the migration's ADE devices wait for Ferry's own bulk assignment in ABM. */
export function assignsInAbm(options: MigrationOptions): boolean {
  return options.iosAdeMethod === 'abm_deadline' || options.abmAutoAssign === true;
}

export function newAbmProgress(): AbmBulkProgress {
  return { approved: false, batches: 0, assigned: 0, notAssigned: 0, undone: 0, lastNotAssigned: [] };
}

const DAY_MS = 86_400_000;

/** The migration deadline of an assignment made at `now` on the ABM-deadline path; undefined otherwise. */
export function abmDeadlineFor(options: MigrationOptions, now: number): string | undefined {
  if (options.iosAdeMethod !== 'abm_deadline') return undefined;
  return new Date(now + (options.abmDeadlineDays ?? DEFAULT_ABM_DEADLINE_DAYS) * DAY_MS).toISOString();
}

export function fleetWorkflowId(migrationId: string): string {
  return `migration/${migrationId}`;
}

export function newFleetCursor(): FleetCursor {
  const c = { nextOffset: 0, started: 0, alreadyStarted: 0, batches: 0, runs: 0, countedUpTo: 0 };
  return { ...c, paused: false, wavesApproved: 1, startAll: false, cancelled: false, listEnded: false };
}

/** Every problem with a fleet input, for the CLI to list and the workflow to refuse. */
export function fleetInputProblems(input: Omit<FleetInput, 'options'>): string[] {
  const r = input.rollout;
  const whole = (v: number | undefined, min: number, max = Infinity) =>
    v === undefined || (Number.isInteger(v) && v >= min && v <= max);
  return [
    !whole(input.deviceCount, 0) && 'deviceCount must be a whole number',
    !whole(r.concurrency, 1, MAX_CONCURRENCY) && `concurrency must be 1 to ${MAX_CONCURRENCY}`,
    !whole(r.batchSize, 1, MAX_BATCH_SIZE) && `batchSize must be 1 to ${MAX_BATCH_SIZE}`,
    r.devicesPerHour !== undefined && !(r.devicesPerHour > 0) && 'devicesPerHour must be above 0',
    !whole(r.waveSize, 1) && 'waveSize must be a whole number above 0',
    r.approveWaves && r.waveSize === undefined && 'approveWaves needs a waveSize',
    !whole(r.batchesPerRun, 1) && 'batchesPerRun must be a whole number above 0',
  ].filter((p): p is string => typeof p === 'string');
}

export function waveCount(input: FleetInput): number {
  const size = input.rollout.waveSize;
  return size ? Math.max(1, Math.ceil(input.deviceCount / size)) : 1;
}

/** 0-based wave of the next device (the last wave once every device has started). */
export function currentWave(input: FleetInput, c: FleetCursor): number {
  const size = input.rollout.waveSize;
  return size ? Math.min(Math.floor(c.nextOffset / size), waveCount(input) - 1) : 0;
}

/** Where the wave holding the next device ends: a batch never crosses it. */
export function waveEnd(input: FleetInput, c: FleetCursor): number {
  const size = input.rollout.waveSize;
  return size ? (Math.floor(c.nextOffset / size) + 1) * size : input.deviceCount;
}

/**
 * Free slots worth a start: a tenth of the window, at most a batch, at least one. A 1,000-device window
 * then refills 100 devices at a time instead of one per finished device: a batch per 100 devices in
 * history, for at most 10% of the window left idle.
 */
export function refillThreshold(input: FleetInput, c: FleetCursor): number {
  const { concurrency, batchSize = DEFAULT_BATCH_SIZE } = input.rollout;
  const left = Math.min(input.deviceCount, waveEnd(input, c)) - c.nextOffset;
  return Math.max(1, Math.min(batchSize, Math.ceil(concurrency / 10), left));
}

export function allStarted(input: FleetInput, c: FleetCursor): boolean {
  return c.nextOffset >= input.deviceCount || c.listEnded;
}

export function waitingForWaveApproval(input: FleetInput, c: FleetCursor): boolean {
  return (
    input.rollout.approveWaves &&
    !c.startAll &&
    !c.cancelled &&
    !allStarted(input, c) &&
    currentWave(input, c) >= c.wavesApproved
  );
}

/** Why an admin action does not fit now (the update's rejection), or undefined when it does. */
export function rejectionFor(action: FleetAction, input: FleetInput, c: FleetCursor): string | undefined {
  if (c.cancelled) return 'migration is cancelled';
  switch (action) {
    case 'pause':
      if (c.paused) return 'migration is already paused';
      return allStarted(input, c) ? 'every device has been started' : undefined;
    case 'resume':
      return c.paused ? undefined : 'migration is not paused';
    case 'approveWave':
      if (!input.rollout.approveWaves) return 'migration has no waves to approve';
      if (c.startAll) return 'waves were dropped by startAll';
      return waitingForWaveApproval(input, c) ? undefined : 'no wave is waiting for approval';
    case 'startAll':
      if (c.startAll) return 'migration already starts every device';
      return allStarted(input, c) ? 'every device has been started' : undefined;
    case 'cancel':
      return undefined;
    case 'approveAbm':
      if (!c.abm)
        return 'migration does not assign devices in ABM (abmAutoAssign or the abm_deadline method)';
      return c.abm.approved ? 'ABM assignment is already approved' : undefined;
  }
}

export function fleetProgress(input: FleetInput, c: FleetCursor): FleetProgress {
  return {
    migrationId: input.migrationId,
    name: input.name,
    total: input.deviceCount,
    started: c.started,
    alreadyStarted: c.alreadyStarted,
    paused: c.paused,
    cancelled: c.cancelled,
    startAll: c.startAll,
    waitingForWaveApproval: waitingForWaveApproval(input, c),
    wave: currentWave(input, c) + 1,
    waves: waveCount(input),
    nextOffset: c.nextOffset,
    run: c.runs + 1,
    ...(c.abm ? { abm: c.abm } : {}),
  };
}

const HOUR_MS = 3_600_000;

/** Devices one go may start under a rate: about five minutes' worth, at least one, at most a batch. */
export function rateBurst(devicesPerHour: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.ceil(devicesPerHour / 12)));
}

/** The bucket at `now`: full on first use, refilled at devicesPerHour, never above the burst. */
export function refillBucket(
  bucket: RateBucket | undefined,
  devicesPerHour: number,
  burst: number,
  now: number,
): RateBucket {
  if (!bucket) return { tokens: burst, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(burst, bucket.tokens + (elapsed * devicesPerHour) / HOUR_MS), at: now };
}

/** How long until the bucket holds `wanted` tokens (0: now). */
export function msUntilTokens(bucket: RateBucket, wanted: number, devicesPerHour: number): number {
  const missing = wanted - bucket.tokens;
  // Tokens are fractional; a rounding hair short of a whole device still counts as there.
  return missing <= 1e-9 ? 0 : Math.ceil((missing * HOUR_MS) / devicesPerHour);
}
