/**
 * Registration tokens: create (mdm v2, REGISTER_DEVICE), list/get/delete (mdm v1) under
 * `/mdm/groups/{ogUuid}/enrollment-tokens`, and the token value read-back
 * `GET /system/users/enrollmenttoken/search?serialnumber=` (system v1).
 */
import {
  pageOf,
  route,
  searchResult,
  wsError,
  type ApiContext,
  type Route,
  type SimResponse,
} from '../router';
import { same } from '../store';
import type { SimTenant, SimToken } from '../types';

/** Integer token status and enrollment status (simulator convention; real values UNCONFIRMED). */
export const TOKEN_STATUS = { active: 1, expired: 2, used: 3 } as const;
export const TOKEN_ENROLLMENT_STATUS = { registered: 1, enrolled: 2 } as const;

function tokenStatus(token: SimToken, now: number): number {
  if (token.usedAt !== undefined && token.usedAt <= now) return TOKEN_STATUS.used;
  return now >= token.expiresAt ? TOKEN_STATUS.expired : TOKEN_STATUS.active;
}

function enrollmentStatus(token: SimToken, now: number): number {
  const used = token.usedAt !== undefined && token.usedAt <= now;
  return used ? TOKEN_ENROLLMENT_STATUS.enrolled : TOKEN_ENROLLMENT_STATUS.registered;
}

function liveTokens(tenant: SimTenant, ogUuid?: string): SimToken[] {
  return tenant.tokens.filter(
    (t) => t.deletedAt === undefined && (ogUuid === undefined || t.ogUuid === ogUuid),
  );
}

interface RegistrationRecord {
  user_uuid?: unknown;
  serial_number?: unknown;
  friendly_name?: unknown;
  platform_id?: unknown;
  message_type?: unknown;
}

function createToken(ctx: ApiContext): SimResponse {
  const { store, tenant, params, now } = ctx;
  const group = tenant.groups.find((g) => g.uuid === params.og);
  if (!group) return wsError(store, 404, 'Organization group not found.');
  const body = ctx.body as
    { registration_type?: unknown; device_registration_record?: RegistrationRecord } | undefined;
  if (body?.registration_type !== 'REGISTER_DEVICE') {
    return wsError(store, 400, 'Only registration_type REGISTER_DEVICE is simulated.');
  }
  const record = body.device_registration_record ?? {};
  const user = tenant.users.find((u) => u.uuid === record.user_uuid);
  if (!user) return wsError(store, 400, 'Enrollment user not found.');
  if (typeof record.serial_number !== 'string' || record.serial_number.trim() === '') {
    return wsError(store, 400, 'serial_number is required.');
  }
  if (typeof record.platform_id !== 'number' || !Number.isInteger(record.platform_id)) {
    return wsError(store, 400, 'platform_id must be an integer.');
  }
  const serialNumber = record.serial_number.trim();
  const existing = liveTokens(tenant).some((t) => same(t.serialNumber, serialNumber));
  if (existing && store.quirks.duplicateTokens === 'reject') {
    return wsError(store, 400, 'The device is already registered.');
  }
  const token: SimToken = {
    uuid: store.random.uuid(),
    value: store.newTokenValue(tenant),
    ogUuid: group.uuid,
    serialNumber,
    userId: user.id,
    platformId: record.platform_id,
    friendlyName: typeof record.friendly_name === 'string' ? record.friendly_name : serialNumber,
    issuedAt: now,
    expiresAt: now + tenant.tokenLifetimeMs,
  };
  tenant.tokens.push(token);
  store.record({
    tenant: tenant.code,
    kind: 'token.issued',
    source: 'api',
    serialNumber,
    detail: { tokenUuid: token.uuid, userId: user.id, expiresAt: new Date(token.expiresAt).toISOString() },
  });
  const qr = record.message_type === 2 ? { qr_code_image_uri: 'data:image/png;base64,' } : {};
  return { status: store.quirks.tokenCreateStatus, body: { token: token.value, ...qr } };
}

function listTokens(ctx: ApiContext): SimResponse {
  const { store, tenant, params, query, now } = ctx;
  if (!tenant.groups.some((g) => g.uuid === params.og))
    return wsError(store, 404, 'Organization group not found.');
  const serial = query.get('serial_number');
  const page = query.int('page', 0);
  const pageSize = Math.min(query.int('page_size', 500), 500) || 500;
  const matches = liveTokens(tenant, params.og).filter(
    (t) => serial === undefined || same(t.serialNumber, serial),
  );
  const tokens = pageOf(matches, page, pageSize).map((t) => ({
    uuid: t.uuid,
    serial_number: t.serialNumber,
    imei: null,
    enrollment_status: enrollmentStatus(t, now),
    compliance_status: 0,
    platform: t.platformId,
  }));
  return searchResult(store, tokens.length === 0, {
    tokens,
    page,
    page_size: pageSize,
    total: matches.length,
  });
}

function findLive(tenant: SimTenant, og: string | undefined, uuid: string | undefined) {
  return liveTokens(tenant, og).find((t) => t.uuid === uuid);
}

function getToken(ctx: ApiContext): SimResponse {
  const { store, tenant, params, now } = ctx;
  const token = findLive(tenant, params.og, params.token);
  if (!token) return wsError(store, 404, 'Enrollment token not found.');
  const user = store.userById(tenant, token.userId);
  const group = tenant.groups.find((g) => g.uuid === token.ogUuid);
  const body: Record<string, unknown> = {
    organization_group_name: group?.name ?? '',
    friendly_name: token.friendlyName,
    serial_number: token.serialNumber,
    platform: token.platformId,
    enrollment_status: enrollmentStatus(token, now),
    status: tokenStatus(token, now),
    type: 1,
    registration_date: store.formatDate(token.issuedAt),
    expiration_date: store.formatDate(token.expiresAt),
    user_name: user?.userName ?? null,
    ownership_type: 'CorporateDedicated',
    user_info: user ? { user_name: user.userName, user_email_address: user.email } : null,
    message_type: -1,
  };
  // Every field of EnrollmentTokenResponseV1Model is optional: a tenant may leave some out (a quirk).
  for (const field of store.quirks.tokenDetailsOmit) delete body[field];
  return { status: 200, body };
}

function deleteToken(ctx: ApiContext): SimResponse {
  const { store, tenant, params, now } = ctx;
  const token = findLive(tenant, params.og, params.token);
  if (!token) return wsError(store, 404, 'Enrollment token not found.');
  token.deletedAt = now;
  store.record({
    tenant: tenant.code,
    kind: 'token.deleted',
    source: 'api',
    serialNumber: token.serialNumber,
    detail: { tokenUuid: token.uuid },
  });
  return { status: 204 };
}

function searchTokenValues(ctx: ApiContext): SimResponse {
  const { store, tenant, query, now } = ctx;
  const serial = query.get('serialnumber');
  const matches = liveTokens(tenant).filter((t) => serial === undefined || same(t.serialNumber, serial));
  const devices = matches.map((t) => ({
    OrganizationGroup: tenant.groups.find((g) => g.uuid === t.ogUuid)?.name ?? '',
    Username: store.userById(tenant, t.userId)?.userName ?? '',
    FriendlyName: t.friendlyName,
    SerialNumber: t.serialNumber,
    Token: t.value,
    EnrollmentStatusID: String(enrollmentStatus(t, now)),
    ComplianceStatusID: '0',
    AssetNumber: null,
    CustomAttributes: [],
  }));
  return searchResult(store, devices.length === 0, { Device: devices });
}

export const tokenRoutes: Route<ApiContext>[] = [
  route('POST', '/mdm/groups/:og/enrollment-tokens', 2, createToken),
  route('GET', '/mdm/groups/:og/enrollment-tokens', 1, listTokens),
  route('GET', '/mdm/groups/:og/enrollment-tokens/:token', 1, getToken),
  route('DELETE', '/mdm/groups/:og/enrollment-tokens/:token', 1, deleteToken),
  route('GET', '/system/users/enrollmenttoken/search', 1, searchTokenValues),
];
