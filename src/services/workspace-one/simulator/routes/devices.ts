/**
 * Devices: lookup by alternate id (v1), bulk lookup (v1), OG inventory searches (v2 by numeric OG id,
 * v3 by OG UUID), and the staging-user switch `PATCH /mdm/devices/{id}/enrollmentuser/{userId}` (v2).
 */
import { deviceStatus, type DeviceStatus } from '../behaviour';
import {
  pageOf,
  route,
  searchResult,
  wsError,
  type ApiContext,
  type Query,
  type Route,
  type SimResponse,
} from '../router';
import type { SimStore } from '../store';
import type { SimDevice, SimTenant } from '../types';

export const PLATFORM = {
  ios: { id: 2, name: 'Apple' },
  android: { id: 5, name: 'Android' },
} as const;

/** Integer enrollment status of the v3 search (simulator convention; real values UNCONFIRMED). */
export const V3_ENROLLMENT_STATUS: Record<DeviceStatus, number> = {
  Enrolled: 1,
  EnterpriseWipePending: 2,
  DeviceWipePending: 3,
  Unenrolled: 4,
};

/** The value a `searchby` alternate id type reads from a device (lower-cased); undefined if unsupported. */
export function alternateKey(
  searchBy: string | undefined,
): ((d: SimDevice) => string | undefined) | undefined {
  switch (searchBy?.toLowerCase()) {
    case 'serialnumber':
      return (d) => d.serialNumber.toLowerCase();
    case 'udid':
      return (d) => d.udid?.toLowerCase();
    case 'imeinumber':
      return (d) => d.imei?.toLowerCase();
    case 'deviceid':
      return (d) => String(d.id);
    case 'macaddress':
    case 'easid':
      return () => undefined;
    default:
      return undefined;
  }
}

export function renderDeviceV1(store: SimStore, tenant: SimTenant, d: SimDevice, now: number) {
  const group = tenant.groups.find((g) => g.uuid === d.ogUuid);
  const user = store.userById(tenant, d.userId);
  const platform = PLATFORM[d.platform];
  return {
    Id: { Value: d.id },
    Uuid: d.uuid,
    Udid: d.udid ?? null,
    SerialNumber: d.serialNumber,
    Imei: d.imei ?? null,
    MacAddress: null,
    DeviceFriendlyName: d.friendlyName ?? `${user?.userName ?? 'device'} ${d.model ?? platform.name}`,
    LocationGroupId: { Id: { Value: group?.id ?? 0 }, Name: group?.name ?? '', Uuid: d.ogUuid },
    LocationGroupName: group?.name ?? '',
    UserId: user ? { Id: { Value: user.id }, Name: user.userName, Uuid: user.uuid } : null,
    UserName: user?.userName ?? null,
    UserEmailAddress: user?.email ?? null,
    EnrollmentUserUuid: user?.uuid ?? null,
    Ownership: 'C',
    PlatformId: { Id: { Value: platform.id }, Name: platform.name },
    Platform: platform.name,
    Model: d.model ?? null,
    EnrollmentStatus: deviceStatus(store, d, now),
    LastEnrolledOn: d.enrolledAt !== undefined ? store.formatDate(d.enrolledAt) : null,
    LastSeen: store.formatDate(now),
    EnrolledViaDEP: d.enrolledViaDep,
    IsSupervised: d.platform === 'ios',
  };
}

/** `DeviceExtendedV2` (mdm v3): snake_case, but `Id` (`{ Value }`), `Uuid` and `device_friendly_name`. */
function renderDeviceV3(store: SimStore, tenant: SimTenant, d: SimDevice, now: number) {
  const user = store.userById(tenant, d.userId);
  const platform = PLATFORM[d.platform];
  return {
    Id: { Value: d.id },
    Uuid: d.uuid,
    udid: d.udid ?? null,
    serial_number: d.serialNumber,
    imei: d.imei ?? null,
    device_friendly_name: d.friendlyName ?? null,
    organization_group_uuid: d.ogUuid,
    enrollment_user_name: user?.userName ?? null,
    enrollment_user_uuid: user?.uuid ?? null,
    enrollment_user_email_address: user?.email ?? null,
    ownership: 1,
    platform_name: platform.name,
    device_type: platform.id,
    enrollment_status: V3_ENROLLMENT_STATUS[deviceStatus(store, d, now)],
    model_identifier: d.model ?? null,
    last_seen: store.formatDate(now),
  };
}

function byAlternateId(ctx: ApiContext): SimResponse {
  const { store, tenant, query, now } = ctx;
  const key = alternateKey(query.get('searchby'));
  if (!key) return wsError(store, 400, 'Unsupported searchby value.');
  const wanted = (query.get('id') ?? '').toLowerCase();
  const device = tenant.devices.find((d) => key(d) === wanted);
  if (!device) return wsError(store, 404, 'Device not found.');
  return { status: 200, body: renderDeviceV1(store, tenant, device, now) };
}

function bulkByAlternateId(ctx: ApiContext): SimResponse {
  const { store, tenant, query, now, body } = ctx;
  const values = (body as { BulkValues?: { Value?: unknown } } | undefined)?.BulkValues?.Value;
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
    return wsError(store, 400, 'BulkValues.Value must be a list of strings.');
  }
  if (values.length > store.quirks.bulkMaxItems) {
    return wsError(store, 400, `At most ${store.quirks.bulkMaxItems} items per bulk request.`);
  }
  const key = alternateKey(query.get('searchby'));
  if (!key) return wsError(store, 400, 'Unsupported searchby value.');
  const wanted = new Set((values as string[]).map((v) => v.toLowerCase()));
  const found = tenant.devices.filter((d) => wanted.has(key(d) ?? ''));
  const devices = found.map((d) => renderDeviceV1(store, tenant, d, now));
  return searchResult(store, devices.length === 0, {
    Devices: devices,
    Page: 0,
    PageSize: values.length,
    Total: devices.length,
  });
}

/** Both searches answer at most 500 records a page, whatever was asked (mdm v2 and v3 docs). */
const pageSizeOf = (query: Query, name: string) => Math.min(query.int(name, 500), 500) || 500;

/** `lgid` (numeric OG id; absent: the whole tenant, WS1: the admin's OG), `page` (0-based), `pagesize`. */
function searchV2(ctx: ApiContext): SimResponse {
  const { store, tenant, query, now } = ctx;
  const lgid = query.get('lgid');
  const page = query.int('page', 0);
  const pageSize = pageSizeOf(query, 'pagesize');
  const ogUuid = lgid === undefined ? undefined : tenant.groups.find((g) => String(g.id) === lgid)?.uuid;
  const all = tenant.devices.filter((d) => lgid === undefined || d.ogUuid === ogUuid);
  const devices = pageOf(all, page, pageSize).map((d) => renderDeviceV1(store, tenant, d, now));
  return searchResult(store, devices.length === 0, {
    Devices: devices,
    Page: page,
    PageSize: pageSize,
    Total: all.length,
  });
}

function searchV3(ctx: ApiContext): SimResponse {
  const { store, tenant, query, now } = ctx;
  const ogUuid = query.get('organization_group_uuid');
  const page = query.int('page', 0);
  const pageSize = pageSizeOf(query, 'page_size');
  const all = tenant.devices.filter((d) => ogUuid === undefined || d.ogUuid === ogUuid);
  const devices = pageOf(all, page, pageSize).map((d) => renderDeviceV3(store, tenant, d, now));
  return searchResult(store, devices.length === 0, { devices, page, page_size: pageSize, total: all.length });
}

/**
 * Check out a device from its staging user to the real user. Documented (mdm v2 `DevicesV2Api.md`) for
 * devices enrolled to a Multi-Staging user, "400 - BadRequest if device is not enrolled to Multi-Staging
 * enrollment User"; the `stagingUserSwitch` quirk also lets a single-staging device through, as VMware's
 * macOS "Single-Staging with API" guide describes. Success is 200 with no body (that guide: "200 OK").
 */
function switchEnrollmentUser(ctx: ApiContext): SimResponse {
  const { store, tenant, params, now } = ctx;
  const device = tenant.devices.find((d) => String(d.id) === params.id);
  if (!device) return wsError(store, 404, 'Device not found.');
  const user = store.userById(tenant, Number(params.userId));
  if (!user) return wsError(store, 400, 'Enrollment user not found.');
  const stagingUsers = new Set(tenant.adeProfiles.map((p) => p.defaultStagingUserId));
  const onStaging = device.userId !== undefined && stagingUsers.has(device.userId);
  const multi = device.stagingMode === 2;
  const allowed = multi || store.quirks.stagingUserSwitch === 'single-staging-too';
  if (deviceStatus(store, device, now) !== 'Enrolled' || !device.enrolledViaDep || !onStaging || !allowed) {
    return wsError(store, 400, 'Device is not enrolled to Multi-Staging enrollment User.');
  }
  const fromUserId = device.userId ?? 0;
  device.userId = user.id;
  store.record({
    tenant: tenant.code,
    kind: 'enrollmentUser.assigned',
    source: 'api',
    serialNumber: device.serialNumber,
    detail: { deviceId: device.id, fromUserId, toUserId: user.id },
  });
  return { status: 200 };
}

export const deviceRoutes: Route<ApiContext>[] = [
  route('GET', '/mdm/devices/search', 2, searchV2),
  route('GET', '/mdm/devices/search', 3, searchV3),
  route('GET', '/mdm/devices', 1, byAlternateId),
  route('POST', '/mdm/devices', 1, bulkByAlternateId),
  route('PATCH', '/mdm/devices/:id/enrollmentuser/:userId', 2, switchEnrollmentUser),
];
