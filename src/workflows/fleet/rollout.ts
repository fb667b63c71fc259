/**
 * The fleet's pure rollout rules (waves, refill, pacing, which admin action fits when), shared by the
 * workflow, the CLI and the tests: no I/O and no workflow APIs, so they read the same everywhere.
 */

import { DEFAULT_ABM_DEADLINE_DAYS, type MigrationOptions } from '../device/messages';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BREAKER_FAILURES,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  type AbmBulkProgress,
  type FleetAction,
  type FleetCursor,
  type FleetInput,
  type FleetProgress,
  type FleetState,
  type RateBucket,
} from './messages';

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
    !whole(r.breakerFailures, 0) && 'breakerFailures must be a whole number (0 turns the breaker off)',
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

/** The migration as a whole, from the fleet's own cursor (never from device counts). */
export function fleetState(input: FleetInput, c: FleetCursor): FleetState {
  if (c.cancelled) return 'cancelled';
  if (c.finished) return 'finished';
  if (allStarted(input, c)) return 'finishing';
  if (c.paused) return 'paused';
  return waitingForWaveApproval(input, c) ? 'waiting_for_wave' : 'rolling_out';
}

export function fleetProgress(input: FleetInput, c: FleetCursor): FleetProgress {
  return {
    state: fleetState(input, c),
    ...(c.pause && c.paused ? { pause: c.pause } : {}),
    notStarted: c.notStarted ?? 0,
    breakerFailures: input.rollout.breakerFailures ?? DEFAULT_BREAKER_FAILURES,
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
