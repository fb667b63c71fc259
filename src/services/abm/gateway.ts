import { sleep } from '@temporalio/activity';
import { KeyedBatcher, normalizeSerial } from '../shared/keyed-batcher';
import type { AbmActivityType, AbmDeviceActivity, AppleBusinessManagerClient } from '.';

/** Apple's list calls page at 1,000: what one list GET of a server's devices covers. */
const DEVICES_PER_LIST_GET = 1000;
/** Per-device reads `assignedServersOf` makes before it reads every server's list instead. */
const MAX_PER_DEVICE_READS = 10;

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
  /**
   * Device checks asked within this window share their GETs; default 6 s: at most one read of the
   * target server's list (a GET per 1,000 devices) each 6 s, where Apple allows about 20 GETs a minute.
   */
  checkWindowMs?: number;
}

export class AbmTargetServerCheck implements AbmAssignmentChecker {
  readonly targetServerId: string;
  readonly sourceServerId: string | undefined;
  private readonly activityPollMs: number;
  private readonly checks: KeyedBatcher<boolean>;
  /** GETs the last read of the target server's list took (it grows with the devices on it). */
  private targetListGets = 1;

  constructor(
    private readonly client: AppleBusinessManagerClient,
    servers: AbmServers,
  ) {
    this.targetServerId = servers.targetServerId;
    this.sourceServerId = servers.sourceServerId;
    this.activityPollMs = servers.activityPollMs ?? 15_000;
    this.checks = new KeyedBatcher((serials) => this.onTarget(serials), {
      windowMs: servers.checkWindowMs ?? 6_000,
      maxBatch: 1_000,
      normalize: normalizeSerial,
    });
  }

  /** Batched with the other devices' checks: see onTarget. */
  async isAssignedToTarget(serialNumber: string): Promise<boolean> {
    return (await this.checks.get(serialNumber)) === true;
  }

  /**
   * Which of `serials` ABM shows on the target server, in as few GETs as it can: one list of the target
   * server's devices when that costs no more than a GET per device, else a GET per device.
   */
  private async onTarget(serials: string[]): Promise<Map<string, boolean>> {
    if (serials.length < this.targetListGets) {
      const answers = new Map<string, boolean>();
      for (const serial of serials) {
        answers.set(normalizeSerial(serial), (await this.assignedServerOf(serial)) === this.targetServerId);
      }
      return answers;
    }
    const onTarget = await this.serialsOnTarget();
    this.targetListGets = Math.max(1, Math.ceil(onTarget.size / DEVICES_PER_LIST_GET));
    const normalized = new Set([...onTarget].map(normalizeSerial));
    return new Map(serials.map((s) => [normalizeSerial(s), normalized.has(normalizeSerial(s))]));
  }

  assignedServerOf(serialNumber: string): Promise<string | undefined> {
    return this.client.getAssignedServerId(serialNumber);
  }

  /**
   * Where ABM shows each device: one list of the source's server when the worker knows it (where devices
   * Apple did not move usually still are), then one GET each for up to MAX_PER_DEVICE_READS others, or
   * every server's list when that is fewer GETs (a device on none of them is unassigned). A GET each
   * for hundreds would outrun Apple's ~20 a minute, and a retried read-back would start over.
   */
  async assignedServersOf(serials: string[]): Promise<Map<string, string | undefined>> {
    if (serials.length === 0) return new Map();
    const where = new Map<string, string | undefined>();
    if (this.sourceServerId) {
      for (const serial of await this.client.listServerDeviceSerials(this.sourceServerId)) {
        where.set(normalizeSerial(serial), this.sourceServerId);
      }
    }
    const rest = [...new Set(serials.map(normalizeSerial))].filter((s) => !where.has(s));
    const servers =
      rest.length > MAX_PER_DEVICE_READS
        ? (await this.client.listMdmServers()).filter((s) => s.id !== this.sourceServerId)
        : undefined;
    if (servers && servers.length < rest.length) {
      for (const server of servers) {
        for (const serial of await this.client.listServerDeviceSerials(server.id)) {
          where.set(normalizeSerial(serial), server.id);
        }
      }
    } else {
      for (const serial of rest) where.set(serial, await this.assignedServerOf(serial));
    }
    return new Map(serials.map((s) => [s, where.get(normalizeSerial(s))]));
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
