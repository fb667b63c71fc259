/**
 * Workspace ONE UEM response schemas (raw, as the API sends them) and the normalised camelCase types the
 * client returns. Lenient on fields Ferry does not read (unknown keys are dropped), strict on the ones it
 * does. Field names follow the tenant's own Swagger specs (see shared notes, section A). Registration
 * token and ADE schemas live in `enrollment-schemas.ts` and are re-exported here.
 */
import { z } from 'zod';
import { optBool, optInt, optString, ws1Date, ws1Id } from './primitives';

export * from './enrollment-schemas';
export { normaliseWs1Date } from './primitives';

// ---------------------------------------------------------------- error body and OAuth

export const errorBodySchema = z.object({
  errorCode: z.union([z.number(), z.string()]).optional(),
  activityId: z.string().optional(),
});

// ---------------------------------------------------------------- users (system v1)

export interface Ws1User {
  id: number;
  uuid: string;
  userName: string;
  email: string;
  displayName?: string;
}

const rawUser = z
  .object({
    Id: ws1Id,
    Uuid: z.string(),
    UserName: z.string(),
    Email: z.string(),
    DisplayName: optString,
  })
  .transform((u): Ws1User => ({
    id: u.Id,
    uuid: u.Uuid,
    userName: u.UserName,
    email: u.Email,
    displayName: u.DisplayName,
  }));

export const userSearchSchema = z.object({
  Users: z.array(rawUser).nullish(),
  Total: optInt,
});

/** A user as the ADE staging-user check reads it: a staging account may have no email or UUID. */
export interface Ws1UserRef {
  id: number;
  userName?: string;
}

export const userRefSchema = z
  .object({ Id: ws1Id, UserName: optString })
  .transform((u): Ws1UserRef => ({ id: u.Id, userName: u.UserName }));

export const userRefSearchSchema = z.object({ Users: z.array(userRefSchema).nullish(), Total: optInt });

// ---------------------------------------------------------------- devices (mdm v1)

export interface Ws1Device {
  id: number;
  uuid?: string;
  serialNumber: string;
  udid?: string;
  imei?: string;
  enrollmentStatus: string;
  userId?: number;
  userName?: string;
  userEmail?: string;
  platform?: string;
  model?: string;
  friendlyName?: string;
  enrolledViaDep?: boolean;
  lastEnrolledOn?: string;
}

const entityRef = z.object({ Id: ws1Id.nullish(), Name: optString, Uuid: optString });

export const deviceSchema = z
  .object({
    Id: ws1Id,
    Uuid: optString,
    SerialNumber: z.string(),
    Udid: optString,
    Imei: optString,
    EnrollmentStatus: z.string(),
    UserId: entityRef.nullish(),
    UserName: optString,
    UserEmailAddress: optString,
    Platform: optString,
    Model: optString,
    DeviceFriendlyName: optString,
    EnrolledViaDEP: optBool,
    LastEnrolledOn: ws1Date.nullish(),
  })
  .transform((d): Ws1Device => ({
    id: d.Id,
    uuid: d.Uuid,
    serialNumber: d.SerialNumber,
    udid: d.Udid,
    imei: d.Imei,
    enrollmentStatus: d.EnrollmentStatus,
    userId: d.UserId?.Id ?? undefined,
    userName: d.UserName,
    userEmail: d.UserEmailAddress,
    platform: d.Platform,
    model: d.Model,
    friendlyName: d.DeviceFriendlyName,
    enrolledViaDep: d.EnrolledViaDEP,
    lastEnrolledOn: d.LastEnrolledOn ?? undefined,
  }));

export const deviceListSchema = z.object({ Devices: z.array(deviceSchema).nullish(), Total: optInt });

// ---------------------------------------------------------------- devices (mdm v3 search, source side)

export interface Ws1InventoryDevice {
  /** The numeric device id (`Id.Value`), which the v1 device calls take. */
  id?: number;
  uuid?: string;
  /** '' when the record has none (every field of the model is optional). */
  serialNumber: string;
  udid?: string;
  imei?: string;
  platform?: string;
  model?: string;
  friendlyName?: string;
  userName?: string;
  userUuid?: string;
  userEmail?: string;
  /** v3 sends an integer whose meanings are not published (UNCONFIRMED); passed through as sent. */
  enrollmentStatus?: number | string;
  organizationGroupUuid?: string;
}

/**
 * `DeviceExtendedV2` (mdm v3 `devices/search`): snake_case keys except `Id` (`{ Value }`) and `Uuid`, and
 * the friendly name is `device_friendly_name` (the model's `attribute_map` in mrpaws/awtest
 * `mdm/v3/mdmv3/models/device_extended_v2.py`). Every field is optional there: a record without one is
 * passed on, not refused with its whole page.
 */
const rawInventoryDevice = z
  .object({
    Id: ws1Id.nullish(),
    Uuid: optString,
    serial_number: optString,
    udid: optString,
    imei: optString,
    platform_name: optString,
    model_identifier: optString,
    device_friendly_name: optString,
    enrollment_user_name: optString,
    enrollment_user_uuid: optString,
    enrollment_user_email_address: optString,
    enrollment_status: z.union([z.number(), z.string()]).nullish(),
    organization_group_uuid: optString,
  })
  .transform((d): Ws1InventoryDevice => ({
    id: d.Id ?? undefined,
    uuid: d.Uuid,
    serialNumber: d.serial_number?.trim() ?? '',
    udid: d.udid,
    imei: d.imei,
    platform: d.platform_name,
    model: d.model_identifier,
    friendlyName: d.device_friendly_name,
    userName: d.enrollment_user_name,
    userUuid: d.enrollment_user_uuid,
    userEmail: d.enrollment_user_email_address,
    enrollmentStatus: d.enrollment_status ?? undefined,
    organizationGroupUuid: d.organization_group_uuid,
  }));

/** `DeviceSearchResultExtendedV2`: `{ devices, page, page_size, total }`. */
export const inventoryPageSchema = z.object({
  devices: z.array(rawInventoryDevice).nullish(),
  total: optInt,
});

// ---------------------------------------------------------------- devices (mdm v2 search, source inventory)

/** One record of an OG's inventory, as `inventory.ts` maps it; text the record lacks reads as ''. */
export interface Ws1SourceDevice {
  id: number;
  uuid?: string;
  serialNumber: string;
  udid?: string;
  imei?: string;
  /** `Apple`, `Android`, `AppleOsX`, `WinRT`, … as the tenant names the platform. */
  platform: string;
  model?: string;
  friendlyName?: string;
  userEmail: string;
  enrollmentStatus: string;
  enrolledViaDep?: boolean;
}

/**
 * `DeviceExtended` (the same keys in mdm v1 and v2). Lenient on the fields that decide whether a device
 * can migrate, so a record without a serial or a user is named in the inventory instead of failing it.
 * No public device model (`Device`, `DeviceExtended`, `DeviceExtendedV2`) says whether an Android device
 * is fully managed or a work profile, so nothing here is read for it (see inventory.ts).
 */
const rawSourceDevice = z
  .object({
    Id: ws1Id,
    Uuid: optString,
    SerialNumber: optString,
    Udid: optString,
    Imei: optString,
    Platform: optString,
    Model: optString,
    DeviceFriendlyName: optString,
    UserEmailAddress: optString,
    EnrollmentStatus: optString,
    EnrolledViaDEP: optBool,
  })
  .transform((d): Ws1SourceDevice => ({
    id: d.Id,
    uuid: d.Uuid,
    serialNumber: d.SerialNumber?.trim() ?? '',
    udid: d.Udid,
    imei: d.Imei,
    platform: d.Platform ?? '',
    model: d.Model,
    friendlyName: d.DeviceFriendlyName,
    userEmail: d.UserEmailAddress?.trim() ?? '',
    enrollmentStatus: d.EnrollmentStatus ?? '',
    enrolledViaDep: d.EnrolledViaDEP,
  }));

/** `DeviceSearchResultExtended`: `{ Devices, Page, PageSize, Total }`. */
export const sourceDevicePageSchema = z.object({
  Devices: z.array(rawSourceDevice).nullish(),
  Total: optInt,
});

// ---------------------------------------------------------------- organization groups (system v1)

export interface Ws1OrganizationGroup {
  id: number;
  uuid: string;
  name: string;
  groupId: string;
}

export const groupSearchSchema = z.object({
  LocationGroups: z
    .array(
      z
        .object({ Id: ws1Id, Uuid: z.string(), Name: z.string(), GroupId: z.string() })
        .transform((g): Ws1OrganizationGroup => ({
          id: g.Id,
          uuid: g.Uuid,
          name: g.Name,
          groupId: g.GroupId,
        })),
    )
    .nullish(),
});

export const androidWorkSchema = z.object({ EnterpriseId: optString });
