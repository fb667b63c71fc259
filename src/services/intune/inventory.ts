/**
 * Intune's inventory as Ferry's device list: every managed device (Graph v1.0), and for Android devices
 * the enrollment type as Graph beta names it, since the Android Enterprise values of
 * `deviceEnrollmentType` (androidEnterpriseFullyManaged, androidEnterpriseDedicatedDevice,
 * androidEnterpriseCorporateWorkProfile) are in beta's enum only; v1.0's stops at
 * appleUserEnrollmentWithServiceAccount (microsoft-graph-docs-contrib, api-reference/{v1.0,beta}/
 * resources/intune-devices-deviceenrollmenttype.md). An Android device neither source settles is listed
 * with the kind `unknown`: the device list must declare it before the device can move.
 */
import type { DeviceInput, EnrollmentKind, Platform } from '../../workflows/device/messages';
import { sameId } from '../shared/source-uem';
import type { IntuneClient } from './client';
import type { IntuneDevice } from './schemas';

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

/** Graph beta's `deviceEnrollmentType` of each Android device, by id (only records read back as Android). */
export type AndroidEnrollmentTypes = ReadonlyMap<string, string>;

const BETA_FIELDS = ['id', 'serialNumber', 'operatingSystem', 'deviceEnrollmentType'];

/** The whole inventory: v1.0's list, then beta's enrollment types when it holds Android devices. */
export async function readIntuneInventory(client: IntuneClient): Promise<IntuneInventory> {
  const devices = await client.listManagedDevices();
  const android = new Map(
    devices.filter((d) => platformOf(d.operatingSystem) === 'android').map((d) => [d.id, d]),
  );
  const betaTypes = new Map<string, string>();
  if (android.size > 0) {
    // The filter only narrows the read: a record is used only when its id, OS and serial agree with v1.0's.
    const filter = "operatingSystem eq 'Android'";
    for await (const beta of client.iterateManagedDevices({ beta: true, filter, select: BETA_FIELDS })) {
      const listed = android.get(beta.id);
      const agrees = listed && platformOf(beta.operatingSystem) === 'android';
      if (agrees && sameId(beta.serialNumber, listed.serialNumber)) {
        betaTypes.set(beta.id, beta.deviceEnrollmentType);
      }
    }
  }
  return inventoryToDeviceList(devices, betaTypes);
}

function platformOf(operatingSystem: string): Platform | undefined {
  const os = operatingSystem.toLowerCase();
  if (os === 'ios' || os === 'ipados') return 'ios';
  if (os === 'android') return 'android';
  return undefined;
}

/** Beta's Android Enterprise enrollment types and the kind each one names. */
const ANDROID_KIND_OF_TYPE: Record<string, EnrollmentKind> = {
  androidenterprisefullymanaged: 'fully_managed',
  androidenterprisededicateddevice: 'fully_managed',
  androidenterprisecorporateworkprofile: 'work_profile',
};

/**
 * Ferry's enrollment kind. iOS: `appleBulkWithUser`/`appleBulkWithoutUser` (ADE) → `ade`, else `standard`.
 * Android: the kind beta's enrollment type names; else, for a personally owned device, `work_profile`
 * (Intune's fully managed and dedicated enrollments are corporate-owned only, so a personal device has a
 * work profile or the legacy device administrator, both retired and re-enrolled with a token); else
 * `unknown`. Never guessed from the owner type alone when it says `company`: a fully managed device
 * read as work profile would take the wrong path, and the other way round a phone would be wiped.
 */
function enrollmentKindOf(device: IntuneDevice, platform: Platform, betaType?: string): EnrollmentKind {
  if (platform === 'ios') {
    return device.deviceEnrollmentType.toLowerCase().startsWith('applebulk') ? 'ade' : 'standard';
  }
  const named = ANDROID_KIND_OF_TYPE[(betaType ?? device.deviceEnrollmentType).toLowerCase()];
  if (named) return named;
  return device.managedDeviceOwnerType.toLowerCase() === 'personal' ? 'work_profile' : 'unknown';
}

/**
 * Maps Graph devices to Ferry's device list. Reported in `skipped`, not migrated: platforms other than
 * iOS/iPadOS/Android, records without a serial, and records without an email or UPN (userless ADE).
 * `betaTypes`: beta's `deviceEnrollmentType` by device id, for Android devices.
 */
export function inventoryToDeviceList(
  devices: IntuneDevice[],
  betaTypes: AndroidEnrollmentTypes = new Map(),
): IntuneInventory {
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
        enrollmentKind: enrollmentKindOf(device, platform, betaTypes.get(id)),
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
