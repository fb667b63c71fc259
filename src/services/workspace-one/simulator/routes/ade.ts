/** Apple ADE (DEP), mdm v1: profile search, one profile, and the ADE devices synced to an OG (array). */
import { deviceStatus } from '../behaviour';
import {
  pageOf,
  route,
  searchResult,
  wsError,
  type ApiContext,
  type Route,
  type SimResponse,
} from '../router';
import type { SimStore } from '../store';
import type { SimAdeProfile, SimTenant } from '../types';

export const STAGING_MODE_NAMES: Record<number, string> = {
  0: 'Disabled',
  1: 'SingleUserDevice',
  2: 'MultiUserDevice',
};

function renderProfile(store: SimStore, tenant: SimTenant, p: SimAdeProfile) {
  const staging = store.userById(tenant, p.defaultStagingUserId);
  const group = tenant.groups.find((g) => g.uuid === p.ogUuid);
  return {
    id: p.id,
    uuid: p.uuid,
    profile_identifier: p.uuid,
    ProfileName: p.name,
    AuthenticationRequired: p.authenticationRequired,
    StagingMode:
      store.quirks.stagingModeFormat === 'name' ? STAGING_MODE_NAMES[p.stagingMode] : p.stagingMode,
    // A deleted staging user stays named in the profile (what the staging-user check must catch).
    EnrollmentUsername: staging?.userName ?? p.defaultStagingUserName ?? null,
    DefaultEnrollmentUserId: p.defaultStagingUserId ?? null,
    AutoAssignDefaultProfile: p.autoAssignDefaultProfile,
    IsMultiUser: p.stagingMode === 2,
    SuperviseDevices: true,
    RequireMdmEnrollment: true,
    DeviceLocationGroupId: group?.id ?? null,
  };
}

function searchProfiles(ctx: ApiContext): SimResponse {
  const { store, tenant, query } = ctx;
  const og = query.get('OrganizationGroupUuid');
  const text = query.get('SearchText')?.toLowerCase();
  const page = query.int('Page', 0);
  const pageSize = query.int('PageSize', 50) || 50;
  const matches = tenant.adeProfiles.filter(
    (p) =>
      (og === undefined || p.ogUuid === og) && (text === undefined || p.name.toLowerCase().includes(text)),
  );
  const profiles = pageOf(matches, page, pageSize).map((p) => renderProfile(store, tenant, p));
  return searchResult(store, profiles.length === 0, {
    ProfileList: profiles,
    TotalResults: matches.length,
    Page: page,
    PageSize: pageSize,
  });
}

function getProfile(ctx: ApiContext): SimResponse {
  const { store, tenant, params } = ctx;
  const profile = tenant.adeProfiles.find((p) => p.uuid === params.uuid);
  if (!profile) return wsError(store, 404, 'Profile not found.');
  return { status: 200, body: renderProfile(store, tenant, profile) };
}

function groupDevices(ctx: ApiContext): SimResponse {
  const { store, tenant, params, now } = ctx;
  const group = tenant.groups.find((g) => g.uuid === params.og);
  if (!group) return wsError(store, 404, 'Organization group not found.');
  const body = tenant.adeDevices
    .filter((a) => a.ogUuid === group.uuid)
    .map((a) => {
      const profile = tenant.adeProfiles.find((p) => p.uuid === a.profileUuid);
      const device = store.findDevice(tenant, a.serialNumber);
      const enrolled = device !== undefined && deviceStatus(store, device, now) === 'Enrolled';
      return {
        id: a.id,
        uuid: a.uuid,
        deviceSerialNumber: a.serialNumber,
        deviceModel: a.model ?? 'iPhone',
        deviceOwnership: 'Corporate',
        username: enrolled ? (store.userById(tenant, device.userId)?.userName ?? null) : null,
        enrollmentStatus: enrolled ? 'Enrolled' : 'Unenrolled',
        profileUuid: profile?.uuid ?? null,
        profileName: profile?.name ?? null,
        organizationGroupName: group.name,
      };
    });
  return { status: 200, body };
}

export const adeRoutes: Route<ApiContext>[] = [
  route('GET', '/mdm/dep/profiles/search', 1, searchProfiles),
  route('GET', '/mdm/dep/profiles/:uuid', 1, getProfile),
  route('GET', '/mdm/dep/groups/:og/devices', 1, groupDevices),
];
