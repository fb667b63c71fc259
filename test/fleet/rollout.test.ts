import {
  fleetWorkflowId,
  type FleetCursor,
  type FleetInput,
  type FleetRollout,
} from '../../src/workflows/fleet/messages';
import {
  fleetInputProblems,
  fleetProgress,
  msUntilTokens,
  newFleetCursor,
  rateBurst,
  refillBucket,
  refillThreshold,
  rejectionFor,
  waitingForWaveApproval,
  waveEnd,
} from '../../src/workflows/fleet/rollout';
import { DEFAULT_MIGRATION_OPTIONS } from '../../src/workflows/device/messages';

function fleet(rollout: Partial<FleetRollout> = {}, deviceCount = 25): FleetInput {
  return {
    migrationId: 'm-1',
    name: 'Spring refresh',
    deviceCount,
    options: DEFAULT_MIGRATION_OPTIONS,
    rollout: { concurrency: 10, batchSize: 5, approveWaves: false, ...rollout },
  };
}

function at(patch: Partial<FleetCursor>): FleetCursor {
  return { ...newFleetCursor(), ...patch };
}

describe('fleet rollout rules', () => {
  test('the fleet workflow id is derived from the migration id', () => {
    expect(fleetWorkflowId('m-1')).toBe('migration/m-1');
  });

  test('when a rollout is out of bounds, then every problem is listed', () => {
    expect(fleetInputProblems(fleet())).toEqual([]);
    expect(
      fleetInputProblems(
        fleet({
          concurrency: 1001,
          batchSize: 0,
          devicesPerHour: -1,
          approveWaves: true,
          batchesPerRun: 1.5,
        }),
      ),
    ).toEqual([
      'concurrency must be 1 to 1000',
      'batchSize must be 1 to 1000',
      'devicesPerHour must be above 0',
      'approveWaves needs a waveSize',
      'batchesPerRun must be a whole number above 0',
    ]);
  });

  test('when waves need approval, then the rollout waits at each wave boundary until approved', () => {
    const input = fleet({ waveSize: 10, approveWaves: true });
    expect(waitingForWaveApproval(input, at({ nextOffset: 7 }))).toBe(false);
    expect(waveEnd(input, at({ nextOffset: 7 }))).toBe(10);
    expect(waitingForWaveApproval(input, at({ nextOffset: 10 }))).toBe(true);
    expect(fleetProgress(input, at({ nextOffset: 10 }))).toMatchObject({ wave: 2, waves: 3 });
    expect(waitingForWaveApproval(input, at({ nextOffset: 10, wavesApproved: 2 }))).toBe(false);
    expect(waitingForWaveApproval(input, at({ nextOffset: 10, startAll: true }))).toBe(false);
    // Every device started: nothing is waiting, whatever the count of approvals.
    expect(waitingForWaveApproval(input, at({ nextOffset: 25, wavesApproved: 2 }))).toBe(false);
  });

  test('when an admin action does not fit, then the reason says why', () => {
    const waves = fleet({ waveSize: 10, approveWaves: true });
    expect(rejectionFor('resume', fleet(), at({}))).toBe('migration is not paused');
    expect(rejectionFor('pause', fleet(), at({ paused: true }))).toBe('migration is already paused');
    expect(rejectionFor('pause', fleet(), at({ nextOffset: 25 }))).toBe('every device has been started');
    expect(rejectionFor('approveWave', fleet(), at({}))).toBe('migration has no waves to approve');
    expect(rejectionFor('approveWave', waves, at({ nextOffset: 4 }))).toBe('no wave is waiting for approval');
    expect(rejectionFor('approveWave', waves, at({ nextOffset: 10 }))).toBeUndefined();
    expect(rejectionFor('startAll', waves, at({ startAll: true }))).toBe(
      'migration already starts every device',
    );
    expect(rejectionFor('cancel', fleet(), at({ cancelled: true }))).toBe('migration is cancelled');
    expect(rejectionFor('resume', fleet(), at({ paused: true }))).toBeUndefined();
  });

  test('when the window refills, then it waits for a tenth of it free, at most a batch, at most what is left', () => {
    expect(refillThreshold(fleet({ concurrency: 1000, batchSize: 100 }, 5000), at({}))).toBe(100);
    expect(refillThreshold(fleet({ concurrency: 1000, batchSize: 20 }, 5000), at({}))).toBe(20);
    expect(refillThreshold(fleet({ concurrency: 10, batchSize: 5 }), at({}))).toBe(1);
    expect(
      refillThreshold(fleet({ concurrency: 1000, batchSize: 100 }, 5000), at({ nextOffset: 4990 })),
    ).toBe(10);
    const waves = fleet({ concurrency: 1000, batchSize: 100, waveSize: 250, approveWaves: true }, 5000);
    expect(refillThreshold(waves, at({ nextOffset: 230 }))).toBe(20);
  });

  test('when a rate is set, then bursts are about five minutes of it, capped by the batch', () => {
    expect(rateBurst(600, 100)).toBe(50);
    expect(rateBurst(6000, 100)).toBe(100);
    expect(rateBurst(5, 100)).toBe(1);
  });

  test('when the bucket is short, then the wait is what the rate needs to refill it, never above the burst', () => {
    const first = refillBucket(undefined, 720, 5, 1_000);
    expect(first).toEqual({ tokens: 5, at: 1_000 });
    const spent = { tokens: 0, at: 1_000 };
    // 720 per hour = one per 5 s: two devices after 10 s.
    expect(msUntilTokens(spent, 2, 720)).toBe(10_000);
    expect(refillBucket(spent, 720, 5, 11_000).tokens).toBeCloseTo(2);
    expect(msUntilTokens(refillBucket(spent, 720, 5, 11_000), 2, 720)).toBe(0);
    // A long pause does not save up more than a burst.
    expect(refillBucket(spent, 720, 5, 86_400_000).tokens).toBe(5);
  });
});
