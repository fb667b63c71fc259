/**
 * The Intune simulator's state: managed devices (insertion order), issued tokens, the retire/wipe
 * actions received, and a sliding-window rate limit. Actions are `pending` for `actionDelayMs`, then
 * `done`, and the device leaves managedDevices (as Intune removes a retired or wiped record).
 */
import { SimAccessTokens } from '../../shared/simulator/access-tokens';

export type GraphApi = 'v1.0' | 'beta';

/** Behaviours no public source settles (README: "Quirks"), each with the documented one as default. */
export interface SimIntuneQuirks {
  /**
   * Fields whose `$filter` Graph drops without an error, answering with the unfiltered list. Default
   * `deviceEnrollmentType` and `userId`, as reported in microsoft-graph-docs-contrib issue 235 and
   * microsoft-graph-explorer-v4 issue 3125; add `serialNumber` to see what Ferry does if it is too.
   */
  ignoredFilterFields: string[];
  /**
   * What v1.0 shows for a `deviceEnrollmentType` only beta's enum has (androidEnterpriseFullyManaged…):
   * `unknown` (default: v1.0's enum has no such member) or `as-is`. UNCONFIRMED either way.
   */
  betaOnlyEnrollmentTypesOnV1: 'unknown' | 'as-is';
}

export const DEFAULT_QUIRKS: SimIntuneQuirks = {
  ignoredFilterFields: ['deviceEnrollmentType', 'userId'],
  betaOnlyEnrollmentTypesOnV1: 'unknown',
};

/** v1.0's `deviceEnrollmentType` members (api-reference/v1.0/resources/intune-devices-deviceenrollmenttype.md). */
const V1_ENROLLMENT_TYPES = new Set(
  [
    'unknown',
    'userEnrollment',
    'deviceEnrollmentManager',
    'appleBulkWithUser',
    'appleBulkWithoutUser',
    'windowsAzureADJoin',
    'windowsBulkUserless',
    'windowsAutoEnrollment',
    'windowsBulkAzureDomainJoin',
    'windowsCoManagement',
    'windowsAzureADJoinUsingDeviceAuth',
    'appleUserEnrollment',
    'appleUserEnrollmentWithServiceAccount',
  ].map((t) => t.toLowerCase()),
);

export interface SimActionResult {
  actionName: string;
  actionState: string;
  startDateTime: string;
  lastUpdatedDateTime: string;
}

/** A Graph managedDevice: `id` and `serialNumber` required, any other field passed through as given. */
export interface SimIntuneDeviceSeed {
  id: string;
  serialNumber: string;
  deviceName?: string;
  userPrincipalName?: string;
  emailAddress?: string;
  operatingSystem?: string;
  model?: string;
  managedDeviceOwnerType?: string;
  deviceEnrollmentType?: string;
  isSupervised?: boolean;
  imei?: string | null;
  deviceActionResults?: SimActionResult[];
  [field: string]: unknown;
}

export interface SimIntuneAction {
  deviceId: string;
  serialNumber: string;
  action: 'retire' | 'wipe';
  at: string;
  body?: unknown;
}

interface SimDevice {
  seed: SimIntuneDeviceSeed;
  results: SimActionResult[];
  /** When each pending result of ours becomes done (index into `results`). */
  dueAt: Map<number, number>;
  removed: boolean;
}

export class SimIntuneState {
  readonly devices = new Map<string, SimDevice>();
  readonly tokens: SimAccessTokens;
  readonly actions: SimIntuneAction[] = [];
  tokenRequests = 0;
  /** Called once per retire / wipe received (another simulator can play the device leaving). */
  onAction?: (action: SimIntuneAction) => void;

  constructor(
    seeds: SimIntuneDeviceSeed[],
    private readonly actionDelayMs: number,
    readonly now: () => number,
    readonly quirks: SimIntuneQuirks = DEFAULT_QUIRKS,
  ) {
    this.tokens = new SimAccessTokens(now);
    for (const seed of seeds) {
      const results = (seed.deviceActionResults ?? []).map((r) => ({ ...r }));
      this.devices.set(seed.id, { seed: { ...seed }, results, dueAt: new Map(), removed: false });
    }
  }

  /** Devices still in Intune. */
  visible(): SimDevice[] {
    this.settle();
    return [...this.devices.values()].filter((d) => !d.removed);
  }

  find(id: string): SimDevice | undefined {
    this.settle();
    const device = this.devices.get(id);
    return device && !device.removed ? device : undefined;
  }

  record(device: SimDevice, action: 'retire' | 'wipe', body: unknown): void {
    const at = new Date(this.now()).toISOString();
    const received = { deviceId: device.seed.id, serialNumber: device.seed.serialNumber, action, at, body };
    this.actions.push(received);
    device.results.push({
      actionName: action,
      actionState: 'pending',
      startDateTime: at,
      lastUpdatedDateTime: at,
    });
    device.dueAt.set(device.results.length - 1, this.now() + this.actionDelayMs);
    this.onAction?.({ ...received });
  }

  /** Completes due actions; a device whose retire or wipe is done leaves managedDevices. */
  settle(): void {
    const now = this.now();
    for (const device of this.devices.values()) {
      for (const [index, due] of device.dueAt) {
        const result = device.results[index];
        if (!result || now < due) continue;
        result.actionState = 'done';
        result.lastUpdatedDateTime = new Date(due).toISOString();
        device.dueAt.delete(index);
        device.removed = true;
      }
    }
  }

  /** The device as Graph `api` returns it; `withActions` as on GET by id. */
  view(device: SimDevice, withActions: boolean, api: GraphApi): Record<string, unknown> {
    const view = SimIntuneState.view(device, withActions);
    const type = String(view.deviceEnrollmentType);
    const betaOnly = !V1_ENROLLMENT_TYPES.has(type.toLowerCase());
    if (api === 'v1.0' && betaOnly && this.quirks.betaOnlyEnrollmentTypesOnV1 === 'unknown') {
      view.deviceEnrollmentType = 'unknown';
    }
    return view;
  }

  /** The device as seeded (beta's view), with its actions when `withActions`. */
  static view(device: SimDevice, withActions: boolean): Record<string, unknown> {
    const { deviceActionResults: _omit, ...rest } = device.seed;
    const base = {
      deviceName: '',
      userPrincipalName: '',
      emailAddress: '',
      operatingSystem: 'iOS',
      model: '',
      managedDeviceOwnerType: 'company',
      deviceEnrollmentType: 'unknown',
      isSupervised: false,
      imei: null,
      ...rest,
    };
    return withActions ? { ...base, deviceActionResults: device.results.map((r) => ({ ...r })) } : base;
  }
}
