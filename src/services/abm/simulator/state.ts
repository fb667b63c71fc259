/**
 * The Apple Business Manager simulator's state: org devices, MDM servers, device activities (which settle
 * lazily, on the next request after `assignDelayMs`), issued access tokens, the log of API requests and
 * the rate-limit windows.
 */
import crypto from 'node:crypto';
import { SimAccessTokens } from '../../shared/simulator/access-tokens';

export interface SimAbmDeviceSeed {
  serial: string;
  assignedServerId?: string;
  productFamily?: string;
  deviceModel?: string;
  /** Default true: the simulated fleet runs iOS 26. */
  isMdmMigrationCapable?: boolean;
}

export type SimAbmDevice = SimAbmDeviceSeed & {
  addedAt: number;
  updatedAt: number;
  /**
   * Set by a completed ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE, cleared by CANCEL_MDM_MIGRATION and
   * (an assumption: Apple does not say) by UNASSIGN_DEVICES.
   */
  mdmMigrationStatus?: MdmMigrationStatus;
  mdmMigrationDeadlineAt?: number;
};

/**
 * Apple's documented MdmMigrationStatus values. The simulator only ever sets REQUESTED: the device's own
 * progress (STARTED, SUCCESS, FAILED) happens in the MDMs, which this simulator does not see.
 */
export type MdmMigrationStatus = 'REQUESTED' | 'STARTED' | 'SUCCESS' | 'FAILED';

export const DEADLINE_ACTIVITY = 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE';
export const CANCEL_ACTIVITY = 'CANCEL_MDM_MIGRATION';

export interface SimAbmServerSeed {
  id: string;
  name: string;
}

export interface SimAbmActivity {
  id: string;
  activityType: string;
  mdmServerId?: string;
  serials: string[];
  /** The deadline of an ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE. */
  mdmMigrationDeadlineAt?: number;
  status: 'IN_PROGRESS' | 'COMPLETED';
  subStatus: string;
  createdAt: number;
  completeAt: number;
  completedAt?: number;
}

export interface SimAbmStateOptions {
  devices: SimAbmDeviceSeed[];
  servers: SimAbmServerSeed[];
  assignDelayMs: number;
  leaveUnassigned: string[];
  clock: () => number;
  onActivityCompleted?: (activity: SimAbmActivity, movedSerials: string[]) => void;
}

export class SimAbmState {
  readonly devices = new Map<string, SimAbmDevice>();
  readonly servers: SimAbmServerSeed[];
  readonly activities = new Map<string, SimAbmActivity>();
  readonly tokens: SimAccessTokens;
  readonly apiRequests: { method: string; path: string }[] = [];
  /** `/v1/...` requests answered 429. */
  rateLimited = 0;
  tokenRequests = 0;
  private leaveUnassigned: Set<string>;

  constructor(private readonly options: SimAbmStateOptions) {
    const now = options.clock();
    for (const d of options.devices) this.devices.set(d.serial, { ...d, addedAt: now, updatedAt: now });
    this.servers = [...options.servers];
    this.leaveUnassigned = new Set(options.leaveUnassigned);
    this.tokens = new SimAccessTokens(options.clock);
  }

  now(): number {
    return this.options.clock();
  }

  setLeaveUnassigned(serials: string[]): void {
    this.leaveUnassigned = new Set(serials);
  }

  createActivity(
    input: Pick<SimAbmActivity, 'activityType' | 'mdmServerId' | 'serials' | 'mdmMigrationDeadlineAt'>,
  ): SimAbmActivity {
    const now = this.now();
    const activity: SimAbmActivity = {
      ...input,
      id: crypto.randomUUID().replace(/-/g, '').toUpperCase(),
      status: 'IN_PROGRESS',
      subStatus: 'SUBMITTED',
      createdAt: now,
      completeAt: now + this.options.assignDelayMs,
    };
    this.activities.set(activity.id, activity);
    return activity;
  }

  /**
   * Completes due activities. Serials in `leaveUnassigned` are reported COMPLETED but do not move; the
   * others are handed to `onActivityCompleted` once the activity reads COMPLETED. A cancel for a device
   * with no migration pending fails for that serial (Apple: "the activity log result indicates a
   * failure"); the simulator then reports COMPLETED_WITH_ERROR, a sub-status Apple lists but does not tie
   * to this case (UNCONFIRMED).
   */
  settle(): void {
    const now = this.now();
    for (const activity of this.activities.values()) {
      if (activity.status !== 'IN_PROGRESS' || now < activity.completeAt) continue;
      const moved: string[] = [];
      let failed = false;
      for (const serial of activity.serials) {
        const device = this.devices.get(serial);
        // A serial the organisation does not hold (accepted by the unknownSerial quirk) fails its line.
        if (!device) failed = true;
        if (!device || this.leaveUnassigned.has(serial)) continue;
        if (!apply(activity, device)) {
          failed = true;
          continue;
        }
        device.updatedAt = now;
        moved.push(serial);
      }
      activity.status = 'COMPLETED';
      activity.subStatus = failed ? 'COMPLETED_WITH_ERROR' : 'COMPLETED_WITH_SUCCESS';
      activity.completedAt = now;
      this.options.onActivityCompleted?.({ ...activity, serials: [...activity.serials] }, moved);
    }
  }
}

/** Applies a due activity to one device; false when it fails for that serial. */
function apply(activity: SimAbmActivity, device: SimAbmDevice): boolean {
  const endMigration = () => {
    device.mdmMigrationStatus = undefined;
    device.mdmMigrationDeadlineAt = undefined;
  };
  if (activity.activityType === CANCEL_ACTIVITY) {
    if (device.mdmMigrationStatus !== 'REQUESTED') return false;
    endMigration();
    return true;
  }
  if (activity.activityType === 'UNASSIGN_DEVICES') {
    device.assignedServerId = undefined;
    endMigration();
    return true;
  }
  device.assignedServerId = activity.mdmServerId;
  if (activity.activityType === DEADLINE_ACTIVITY) {
    device.mdmMigrationStatus = 'REQUESTED';
    device.mdmMigrationDeadlineAt = activity.mdmMigrationDeadlineAt;
  }
  return true;
}
