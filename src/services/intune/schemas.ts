/**
 * Microsoft Graph (Intune) response schemas (shared notes C) and the types the client returns. Strict on
 * the fields Ferry reads (`id`, `value`, `@odata.nextLink`, action names and states), lenient on the rest:
 * string fields Graph may send as null or omit become '' so the mapping code never sees null.
 */
import { z } from 'zod';

const optString = z.string().optional();
/** A string Graph may omit or send as null; read as ''. */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

// ---------------------------------------------------------------- errors

/** Graph's error body: `{"error":{"code","message","innerError":{"request-id",…}}}`. */
export const graphErrorBodySchema = z.object({
  error: z.object({
    code: optString,
    innerError: z.object({ 'request-id': optString, 'client-request-id': optString }).partial().optional(),
  }),
});

/** The token endpoint's error body: `{"error":"invalid_client","error_description":"AADSTS…"}`. */
export const oauthErrorBodySchema = z.object({ error: z.string() });

// ---------------------------------------------------------------- managedDevices

/** `actionState` values in Graph v1.0: none, pending, canceled, active, done, failed, notSupported. */
export const deviceActionResultSchema = z.object({
  actionName: z.string(),
  actionState: z.string(),
  startDateTime: z.string().nullish(),
  lastUpdatedDateTime: z.string().nullish(),
});

export const managedDeviceSchema = z.object({
  id: z.string().min(1),
  serialNumber: text,
  deviceName: text,
  userPrincipalName: text,
  emailAddress: text,
  operatingSystem: text,
  model: text,
  managedDeviceOwnerType: text,
  deviceEnrollmentType: text,
  isSupervised: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  imei: z.string().nullish(),
  deviceActionResults: z.array(deviceActionResultSchema).nullish(),
});

export const managedDevicesPageSchema = z.object({
  value: z.array(managedDeviceSchema),
  '@odata.nextLink': optString,
});

export type IntuneActionResult = z.output<typeof deviceActionResultSchema>;

export interface IntuneDevice {
  id: string;
  serialNumber: string;
  deviceName: string;
  userPrincipalName: string;
  /** Graph's `emailAddress`, or the UPN when Graph sends it empty. */
  emailAddress: string;
  /** e.g. `iOS`, `iPadOS`, `Android`, `Windows`, `macOS`. */
  operatingSystem: string;
  model: string;
  /** `unknown`, `company` or `personal`. */
  managedDeviceOwnerType: string;
  /** e.g. `appleBulkWithUser` (ADE); see shared notes C.2 for the v1.0 values. */
  deviceEnrollmentType: string;
  isSupervised: boolean;
  imei?: string;
  /** Retire / wipe / … progress; reliably present on `getDevice` (the list may leave it out). */
  deviceActionResults: IntuneActionResult[];
}

export function toIntuneDevice(raw: z.output<typeof managedDeviceSchema>): IntuneDevice {
  const device: IntuneDevice = {
    id: raw.id,
    serialNumber: raw.serialNumber,
    deviceName: raw.deviceName,
    userPrincipalName: raw.userPrincipalName,
    emailAddress: raw.emailAddress.trim() === '' ? raw.userPrincipalName : raw.emailAddress,
    operatingSystem: raw.operatingSystem,
    model: raw.model,
    managedDeviceOwnerType: raw.managedDeviceOwnerType,
    deviceEnrollmentType: raw.deviceEnrollmentType,
    isSupervised: raw.isSupervised,
    deviceActionResults: raw.deviceActionResults ?? [],
  };
  if (raw.imei) device.imei = raw.imei;
  return device;
}
