import { sleep } from '@temporalio/activity';
import type { AbmActivityType, AbmDeviceActivity, AppleBusinessManagerClient } from '.';

/** Apple Business Manager's side of the ADE wait, as the device activities ask it. */
export interface AbmAssignmentChecker {
  isAssignedToTarget(serialNumber: string): Promise<boolean>;
}

export interface RunAbmActivityInput {
  activityType: AbmActivityType;
  serials: string[];
  /** The server an assignment goes to or an unassignment takes from; default the target's. */
  mdmServerId?: string;
  /** ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE only. */
  deadline?: string;
  /** An activity an earlier attempt created: followed to its end instead of creating another. */
  resume?: string;
  /** Called with the activity id once it exists and on every status read (for heartbeats). */
  progress(activityId: string): void;
}

/**
 * Apple Business Manager as Ferry uses it: where a device is assigned, and device activities run to
 * their end. Apple reports activities COMPLETED even for serials it did not move, so callers read the
 * target server's devices back; that list costs one GET per 1,000 devices, where a per-device read
 * costs one GET each at Apple's observed ~20 GETs a minute. Keep the ABM check interval of the device
 * waits at an hour or more for large fleets; a 429 becomes the next retry delay.
 */
export interface AbmServers {
  targetServerId: string;
  /** Where the devices come from: a rollback puts them back there (without it, it unassigns them). */
  sourceServerId?: string;
  /** How often a running device activity's status is read; Apple settles them in minutes. */
  activityPollMs?: number;
}

export class AbmTargetServerCheck implements AbmAssignmentChecker {
  readonly targetServerId: string;
  readonly sourceServerId: string | undefined;
  private readonly activityPollMs: number;

  constructor(
    private readonly client: AppleBusinessManagerClient,
    servers: AbmServers,
  ) {
    this.targetServerId = servers.targetServerId;
    this.sourceServerId = servers.sourceServerId;
    this.activityPollMs = servers.activityPollMs ?? 15_000;
  }

  async isAssignedToTarget(serialNumber: string): Promise<boolean> {
    return (await this.assignedServerOf(serialNumber)) === this.targetServerId;
  }

  assignedServerOf(serialNumber: string): Promise<string | undefined> {
    return this.client.getAssignedServerId(serialNumber);
  }

  /**
   * Where ABM shows each device: one list of the source's server when the worker knows it (where devices
   * Apple did not move usually still are), one GET each for the rest.
   */
  async assignedServersOf(serials: string[]): Promise<Map<string, string | undefined>> {
    if (serials.length === 0) return new Map();
    const onSource = this.sourceServerId
      ? new Set(await this.client.listServerDeviceSerials(this.sourceServerId))
      : new Set<string>();
    const servers = new Map<string, string | undefined>();
    for (const serial of serials) {
      servers.set(serial, onSource.has(serial) ? this.sourceServerId : await this.assignedServerOf(serial));
    }
    return servers;
  }

  async serialsOnTarget(): Promise<Set<string>> {
    return new Set(await this.client.listServerDeviceSerials(this.targetServerId));
  }

  /** Creates the activity (or follows `resume`) and waits until Apple no longer reports it IN_PROGRESS. */
  async runActivity(input: RunAbmActivityInput): Promise<AbmDeviceActivity> {
    let activity = input.resume
      ? await this.client.getDeviceActivity(input.resume)
      : await this.client.createDeviceActivity({
          activityType: input.activityType,
          // An unassign names the server it takes the devices from; a cancel names none.
          mdmServerId:
            input.activityType === 'CANCEL_MDM_MIGRATION'
              ? undefined
              : (input.mdmServerId ?? this.targetServerId),
          serials: input.serials,
          deadline: input.deadline,
        });
    input.progress(activity.id);
    while (activity.status === 'IN_PROGRESS') {
      await sleep(this.activityPollMs);
      activity = await this.client.getDeviceActivity(activity.id);
      input.progress(activity.id);
    }
    return activity;
  }
}
