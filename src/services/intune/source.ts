/**
 * Intune as Ferry's source UEM (`SourceUem`): retire = Graph `retire`, erase = Graph `wipe` (factory
 * reset, nothing kept). Looks before it acts: a record whose `deviceActionResults` already shows the
 * retire or wipe pending, active or done is not sent again, and a serial no longer in Intune counts as
 * removed. Also maps an Intune inventory to Ferry's `DeviceInput` list.
 */
import type { SourceCommand, SourceUem } from '../shared/source-uem';
import type { DeviceInput, EnrollmentKind, Platform } from '../../workflows/device/messages';
import { FailureType } from '../../workflows/failures';
import { isFerryClientError, SourceRefusedError } from '../shared/errors';
import type { IntuneClient } from './client';
import type { IntuneActionResult, IntuneDevice } from './schemas';

/** Graph action names for Ferry's commands (the `actionName` in `deviceActionResults`). */
const ACTION_OF: Record<SourceCommand, string> = { retire: 'retire', erase: 'wipe' };
const REMOVAL_ACTIONS = ['retire', 'wipe'];
/** States in which sending again would only repeat the command. `failed`/`canceled` may be resent. */
const IN_FLIGHT_OR_DONE = ['pending', 'active', 'done'];

/** The newest retire/wipe result on the record, if any. */
function removalAction(device: IntuneDevice): IntuneActionResult | undefined {
  return device.deviceActionResults
    .filter((r) => REMOVAL_ACTIONS.includes(r.actionName.toLowerCase()))
    .sort((a, b) => (b.lastUpdatedDateTime ?? '').localeCompare(a.lastUpdatedDateTime ?? ''))[0];
}

const describe = (r: IntuneActionResult) => `${r.actionName} ${r.actionState}`;

export class IntuneSource implements SourceUem {
  readonly name = 'intune';

  constructor(private readonly client: IntuneClient) {}

  /** Acts on every Intune record with the serial (stale duplicates included). */
  async sendCommand(serialNumber: string, command: SourceCommand): Promise<{ sent: boolean; state: string }> {
    const records = await this.current(serialNumber);
    if (records.length === 0) return { sent: false, state: 'not on source' };
    let sent = false;
    const states: string[] = [];
    for (const device of records) {
      const action = removalAction(device);
      if (action && IN_FLIGHT_OR_DONE.includes(action.actionState.toLowerCase())) {
        states.push(describe(action));
        continue;
      }
      try {
        if (command === 'retire') await this.client.retire(device.id);
        else await this.client.wipe(device.id, { keepEnrollmentData: false, keepUserData: false });
      } catch (err) {
        if (isFerryClientError(err) && err.type === FailureType.NotFound) {
          states.push('not on source');
          continue;
        }
        // Graph answered and said no (e.g. a platform without that action): an admin must look.
        if (isFerryClientError(err) && err.type === FailureType.InvalidRequest) {
          throw new SourceRefusedError(err.message);
        }
        throw err;
      }
      sent = true;
      states.push(`${ACTION_OF[command]} pending`);
    }
    return { sent, state: [...new Set(states)].join(', ') };
  }

  /** Removed when no record is left, or every record's retire/wipe is `done`. */
  async removalState(serialNumber: string): Promise<{ removed: boolean; state: string }> {
    const records = await this.current(serialNumber);
    if (records.length === 0) return { removed: true, state: 'not on source' };
    const actions = records.map(removalAction);
    const removed = actions.every((a) => a?.actionState.toLowerCase() === 'done');
    const states = actions.map((a) => (a ? describe(a) : 'managed'));
    return { removed, state: [...new Set(states)].join(', ') };
  }

  /** The serial's records re-read one by one, so `deviceActionResults` is present; gone ones dropped. */
  private async current(serialNumber: string): Promise<IntuneDevice[]> {
    const found = await this.client.findBySerial(serialNumber);
    const records: IntuneDevice[] = [];
    for (const { id } of found) {
      try {
        records.push(await this.client.getDevice(id));
      } catch (err) {
        if (!(isFerryClientError(err) && err.type === FailureType.NotFound)) throw err;
      }
    }
    return records;
  }
}

// ---------------------------------------------------------------- inventory

export interface SkippedIntuneDevice {
  id: string;
  serialNumber: string;
  operatingSystem: string;
  reason: 'unsupported platform' | 'no serial number' | 'no user email';
}

export interface IntuneInventory {
  devices: DeviceInput[];
  skipped: SkippedIntuneDevice[];
}

/** Beta-only / newer enrollment types that name a fully managed (or dedicated) Android device. */
const ANDROID_FULLY_MANAGED = new Set(['androidenterprisefullymanaged', 'androidenterprisededicateddevice']);

function platformOf(operatingSystem: string): Platform | undefined {
  const os = operatingSystem.toLowerCase();
  if (os === 'ios' || os === 'ipados') return 'ios';
  if (os === 'android') return 'android';
  return undefined;
}

/**
 * Ferry's enrollment kind. iOS: `appleBulkWithUser`/`appleBulkWithoutUser` (ADE) → `ade`, else `standard`.
 * Android (INFERRED: Graph v1.0 has no plain field): `fully_managed` only when the enrollment type names a
 * fully managed or dedicated device (values the beta resource uses); everything else, corporate-owned
 * work profile included, → `work_profile`. Owner type `company` alone does not mean fully managed.
 */
function enrollmentKindOf(device: IntuneDevice, platform: Platform): EnrollmentKind {
  const type = device.deviceEnrollmentType.toLowerCase();
  if (platform === 'ios') return type.startsWith('applebulk') ? 'ade' : 'standard';
  return ANDROID_FULLY_MANAGED.has(type) ? 'fully_managed' : 'work_profile';
}

/**
 * Maps Graph devices to Ferry's device list. Reported in `skipped`, not migrated: platforms other than
 * iOS/iPadOS/Android, records without a serial, and records without an email or UPN (userless ADE).
 */
export function inventoryToDeviceList(devices: IntuneDevice[]): IntuneInventory {
  const result: IntuneInventory = { devices: [], skipped: [] };
  for (const device of devices) {
    const { id, serialNumber, operatingSystem } = device;
    const platform = platformOf(operatingSystem);
    const skip = (reason: SkippedIntuneDevice['reason']) =>
      result.skipped.push({ id, serialNumber, operatingSystem, reason });
    if (!platform) skip('unsupported platform');
    else if (serialNumber.trim() === '') skip('no serial number');
    else if (device.emailAddress.trim() === '') skip('no user email');
    else {
      const input: DeviceInput = {
        serialNumber,
        platform,
        enrollmentKind: enrollmentKindOf(device, platform),
        userEmail: device.emailAddress,
        sourceDeviceId: id,
      };
      if (device.imei) input.imei = device.imei;
      if (device.model) input.model = device.model;
      if (device.deviceName) input.friendlyName = device.deviceName;
      result.devices.push(input);
    }
  }
  return result;
}
