/**
 * Workspace ONE as the source's inventory: every device of an organization group (mdm v2
 * `GET /API/mdm/devices/search?lgid=`, paged; v2 documents the 500-record page cap, v1 does not) and its
 * mapping to Ferry's device list, naming the devices that cannot migrate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceInput, EnrollmentKind, Platform } from '../../workflows/device/messages';
import { InvalidResponseError, RateLimitedError } from '../shared/errors';
import { sourceDevicePageSchema, type Ws1SourceDevice } from './schemas';
import type { Ws1CallSettings, Ws1Request, Ws1Transport } from './transport';

const SEARCH_PATH = '/API/mdm/devices/search';
const RATE_LIMIT_RETRIES = 5;
const MAX_RETRY_AFTER_MS = 60_000;

export async function listOrganizationGroupDevices(
  t: Ws1Transport,
  s: Ws1CallSettings,
  ogId: number,
): Promise<Ws1SourceDevice[]> {
  const devices: Ws1SourceDevice[] = [];
  for (let page = 0; page < s.maxPages; page++) {
    const result = await fetchPage(t, {
      method: 'GET',
      path: SEARCH_PATH,
      version: 2,
      query: { lgid: ogId, page, pagesize: s.pageSize },
    });
    const batch = result?.Devices ?? [];
    devices.push(...batch);
    // The server caps the page size, so only an empty page or Total says the last page was read.
    const total = result?.Total;
    if (batch.length === 0 || (total !== undefined && devices.length >= total)) return devices;
  }
  // A partial inventory would silently leave devices out of the migration.
  throw new InvalidResponseError(
    t.context({ method: 'GET', path: SEARCH_PATH }),
    `more than ${s.maxPages} pages of devices`,
  );
}

/**
 * An inventory is read in one go, outside Temporal's retries: a throttled page is asked again once the
 * server's Retry-After has passed (a GET, so asking twice changes nothing). A long or repeated throttle
 * ends the pull with the RateLimited error.
 */
async function fetchPage(t: Ws1Transport, request: Ws1Request) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await t.fetch(sourceDevicePageSchema, request);
    } catch (err) {
      const waitable = err instanceof RateLimitedError && err.retryAfterMs <= MAX_RETRY_AFTER_MS;
      if (!waitable || attempt >= RATE_LIMIT_RETRIES) throw err;
      await sleep(err.retryAfterMs);
    }
  }
}

// ---------------------------------------------------------------- to Ferry's device list

export interface SkippedWs1Device {
  id: string;
  serialNumber: string;
  platform: string;
  reason: 'unsupported platform' | 'no serial number' | 'not enrolled' | 'no user email';
}

export interface Ws1Inventory {
  devices: DeviceInput[];
  skipped: SkippedWs1Device[];
}

/** The search's own example names iPhones and iPads `Apple` (macOS is `AppleOsX`); the model says `iOS`. */
function platformOf(platform: string): Platform | undefined {
  const name = platform.trim().toLowerCase();
  if (name === 'apple' || name === 'ios') return 'ios';
  if (name === 'android') return 'android';
  return undefined;
}

/**
 * iOS: `EnrolledViaDEP` (mdm v1/v2 `DeviceExtended`) → `ade`, else `standard`.
 * Android: `unknown`. No public device model (`Device`, `DeviceExtended`, `DeviceExtendedV2` in
 * mrpaws/awtest, mdm v1–v3) says whether a device is fully managed or a work profile, so the source
 * cannot tell: a guess either way could wipe a personal phone or retire a device that needs a wipe. Such
 * a device fails closed at its first step until the admin declares its kind in the device list.
 */
function enrollmentKindOf(device: Ws1SourceDevice, platform: Platform): EnrollmentKind {
  if (platform === 'ios') return device.enrolledViaDep === true ? 'ade' : 'standard';
  return 'unknown';
}

/**
 * Maps an OG's records to Ferry's device list. Reported in `skipped`, not migrated: platforms other than
 * iOS/iPadOS and Android, records without a serial, devices not `Enrolled` (a wipe pending, already
 * unenrolled, only registered) and devices whose enrollment user has no email.
 */
export function inventoryToDeviceList(records: Ws1SourceDevice[]): Ws1Inventory {
  const result: Ws1Inventory = { devices: [], skipped: [] };
  for (const record of records) {
    const { id, serialNumber, platform: platformName } = record;
    const platform = platformOf(platformName);
    const skip = (reason: SkippedWs1Device['reason']) =>
      result.skipped.push({ id: String(id), serialNumber, platform: platformName, reason });
    if (!platform) skip('unsupported platform');
    else if (serialNumber === '') skip('no serial number');
    else if (record.enrollmentStatus.toLowerCase() !== 'enrolled') skip('not enrolled');
    else if (record.userEmail === '') skip('no user email');
    else result.devices.push(toDeviceInput(record, platform));
  }
  return result;
}

function toDeviceInput(record: Ws1SourceDevice, platform: Platform): DeviceInput {
  const input: DeviceInput = {
    serialNumber: record.serialNumber,
    platform,
    enrollmentKind: enrollmentKindOf(record, platform),
    userEmail: record.userEmail,
    sourceDeviceId: String(record.id),
  };
  if (record.udid) input.udid = record.udid;
  if (record.imei) input.imei = record.imei;
  if (record.model) input.model = record.model;
  if (record.friendlyName) input.friendlyName = record.friendlyName;
  return input;
}
