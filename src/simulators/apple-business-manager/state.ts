/**
 * The Apple Business Manager simulator's state: org devices, MDM servers, device activities (which settle
 * lazily, on the next request after `assignDelayMs`), issued access tokens and the rate-limit windows.
 */
import crypto from 'node:crypto';

export interface SimAbmDeviceSeed {
  serial: string;
  assignedServerId?: string;
  productFamily?: string;
  deviceModel?: string;
}

export type SimAbmDevice = SimAbmDeviceSeed & { addedAt: number; updatedAt: number };

export interface SimAbmServerSeed {
  id: string;
  name: string;
}

export interface SimAbmActivity {
  id: string;
  activityType: string;
  mdmServerId?: string;
  serials: string[];
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
}

export class SimAbmState {
  readonly devices = new Map<string, SimAbmDevice>();
  readonly servers: SimAbmServerSeed[];
  readonly activities = new Map<string, SimAbmActivity>();
  readonly tokens = new Map<string, number>();
  tokenRequests = 0;
  private readonly leaveUnassigned: Set<string>;

  constructor(private readonly options: SimAbmStateOptions) {
    const now = options.clock();
    for (const d of options.devices) this.devices.set(d.serial, { ...d, addedAt: now, updatedAt: now });
    this.servers = [...options.servers];
    this.leaveUnassigned = new Set(options.leaveUnassigned);
  }

  now(): number {
    return this.options.clock();
  }

  issueToken(ttlSeconds: number): string {
    const token = crypto.randomBytes(24).toString('base64url');
    this.tokens.set(token, this.now() + ttlSeconds * 1000);
    return token;
  }

  tokenValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  createActivity(input: Pick<SimAbmActivity, 'activityType' | 'mdmServerId' | 'serials'>): SimAbmActivity {
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

  /** Completes due activities. Serials in `leaveUnassigned` are reported COMPLETED but do not move. */
  settle(): void {
    const now = this.now();
    for (const activity of this.activities.values()) {
      if (activity.status !== 'IN_PROGRESS' || now < activity.completeAt) continue;
      for (const serial of activity.serials) {
        const device = this.devices.get(serial);
        if (!device || this.leaveUnassigned.has(serial)) continue;
        device.assignedServerId =
          activity.activityType === 'UNASSIGN_DEVICES' ? undefined : activity.mdmServerId;
        device.updatedAt = now;
      }
      activity.status = 'COMPLETED';
      activity.subStatus = 'COMPLETED_WITH_SUCCESS';
      activity.completedAt = now;
    }
  }
}

/** Sliding-window limiter: returns the wait in ms when over the limit, else records the call. */
export class SlidingWindow {
  private readonly calls: number[] = [];

  constructor(
    private readonly limit: number | undefined,
    private readonly windowMs: number,
  ) {}

  check(now: number): number | undefined {
    if (this.limit === undefined) return undefined;
    while (this.calls.length > 0 && (this.calls[0] ?? 0) <= now - this.windowMs) this.calls.shift();
    if (this.calls.length >= this.limit) return (this.calls[0] ?? now) + this.windowMs - now;
    this.calls.push(now);
    return undefined;
  }
}
