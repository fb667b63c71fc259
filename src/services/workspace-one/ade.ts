/** Apple ADE (DEP) calls, mdm v1: profile search (paged), one profile, the ADE devices of an OG. */
import { InvalidResponseError } from '../shared/errors';
import {
  adeDeviceListSchema,
  adeProfileSearchSchema,
  rawAdeProfileSchema,
  type RawAdeProfile,
  type Ws1AdeDevice,
  type Ws1AdeProfile,
} from './schemas';
import { seg, type Ws1CallSettings, type Ws1Transport } from './transport';

/** Integer `StagingMode` → name. UNCONFIRMED mapping (override with the client's `stagingModeNames`). */
export const DEFAULT_STAGING_MODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Disabled',
  1: 'SingleUserDevice',
  2: 'MultiUserDevice',
};

export async function listAdeProfiles(
  t: Ws1Transport,
  s: Ws1CallSettings,
  ogUuid: string,
): Promise<Ws1AdeProfile[]> {
  const pageSize = Math.min(s.pageSize, 50);
  const profiles: Ws1AdeProfile[] = [];
  for (let page = 0; page < s.maxPages; page++) {
    const result = await t.fetch(adeProfileSearchSchema, {
      method: 'GET',
      path: '/API/mdm/dep/profiles/search',
      version: 1,
      query: { OrganizationGroupUuid: ogUuid, Page: page, PageSize: pageSize },
    });
    const batch = result?.ProfileList ?? [];
    profiles.push(...batch.map((p) => toAdeProfile(p, s.stagingModeNames)));
    const total = result?.TotalResults;
    if (batch.length === 0 || total === undefined || profiles.length >= total) break;
  }
  return profiles;
}

export async function getAdeProfile(
  t: Ws1Transport,
  s: Ws1CallSettings,
  profileUuid: string,
): Promise<Ws1AdeProfile> {
  const request = { method: 'GET', path: `/API/mdm/dep/profiles/${seg(profileUuid)}`, version: 1 } as const;
  const raw = await t.fetch(rawAdeProfileSchema, request);
  if (!raw) throw new InvalidResponseError(t.context(request), 'empty body, expected a profile');
  return toAdeProfile(raw, s.stagingModeNames);
}

export async function listAdeDevices(t: Ws1Transport, ogUuid: string): Promise<Ws1AdeDevice[]> {
  const result = await t.fetch(adeDeviceListSchema, {
    method: 'GET',
    path: `/API/mdm/dep/groups/${seg(ogUuid)}/devices`,
    version: 1,
  });
  return result ?? [];
}

function toAdeProfile(p: RawAdeProfile, names: Record<number, string>): Ws1AdeProfile {
  const stagingMode =
    typeof p.StagingMode === 'number' ? (names[p.StagingMode] ?? `Unknown(${p.StagingMode})`) : p.StagingMode;
  return {
    uuid: p.profile_identifier ?? p.uuid ?? '',
    name: p.ProfileName,
    authenticationRequired: p.AuthenticationRequired,
    stagingMode,
    defaultStagingUser: p.EnrollmentUsername,
    defaultStagingUserId: p.DefaultEnrollmentUserId,
    autoAssignDefaultProfile: p.AutoAssignDefaultProfile,
  };
}
