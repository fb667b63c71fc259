/**
 * Enrollment users of the target as the ADE erase path needs them: the switch of a device from its staging
 * user to its user (mdm v2), and the look-up of a profile's staging user (system v1).
 */
import {
  InvalidRequestError,
  NotFoundError,
  type ClientErrorDetails,
  type RequestContext,
} from '../shared/errors';
import { userRefSchema, userRefSearchSchema, type Ws1UserRef } from './schemas';
import { sameText, type Ws1CallSettings, type Ws1Transport } from './transport';

/**
 * Workspace ONE refused to move the device off its staging user. The API documents the call for devices
 * enrolled to a *Multi-Staging* user only: "This API returns a 400 - BadRequest if device is not enrolled
 * to Multi-Staging enrollment User" (mrpaws/awtest `mdm/v2/docs/DevicesV2Api.md`), while VMware's macOS
 * guide "Single-Staging with API" (docs.vmware.com, macOS_Platform GUID-AWT-SINGLESTAGINGFLOWWITHAPI)
 * uses it for single-staging devices enrolled through Hub, web enrollment or Apple Configurator. For an
 * iPhone enrolled through ADE to a single-staging user neither source says: the 400 is the expected
 * answer, and an admin must assign the user (the activity reads the device and reports it).
 */
export class StagingUserSwitchRefusedError extends InvalidRequestError {
  /** In words an admin can act on; names no user, device or email. */
  static readonly REASON =
    'Workspace ONE moves a device off its staging user through the API only when it is enrolled to a Multi-Staging user';

  constructor(ctx: RequestContext, details: ClientErrorDetails) {
    super(ctx, StagingUserSwitchRefusedError.REASON, details);
  }
}

/**
 * Moves a device from its staging user to `userId` (mdm v2 "check out"). Not retried: a retry after a lost
 * answer would get the 400 of a device no longer on its staging user; the activity reads the device first.
 */
export async function assignEnrollmentUser(t: Ws1Transport, deviceId: number, userId: number): Promise<void> {
  const request = {
    method: 'PATCH',
    path: `/API/mdm/devices/${deviceId}/enrollmentuser/${userId}`,
    version: 2,
  } as const;
  try {
    await t.send(request);
  } catch (err) {
    if (err instanceof InvalidRequestError && err.status === 400) {
      throw new StagingUserSwitchRefusedError(t.context(request), {
        status: err.status,
        code: err.remoteCode,
        requestId: err.requestId,
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * The enrollment user an ADE profile names as its Default Staging User, by id (`GET /API/system/users/{id}`,
 * v1) or else by user name (`users/search?username=`, an exact match read off its pages); undefined when
 * the target has no such user.
 */
export async function findEnrollmentUser(
  t: Ws1Transport,
  s: Ws1CallSettings,
  ref: { id?: number; userName?: string },
): Promise<Ws1UserRef | undefined> {
  if (ref.id !== undefined) {
    try {
      return await t.fetch(userRefSchema, { method: 'GET', path: `/API/system/users/${ref.id}`, version: 1 });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
  const userName = ref.userName?.trim();
  if (!userName) return undefined;
  for (let page = 0; page < s.maxPages; page++) {
    const result = await t.fetch(userRefSearchSchema, {
      method: 'GET',
      path: '/API/system/users/search',
      version: 1,
      query: { username: userName, page, pagesize: s.pageSize },
    });
    const users = result?.Users ?? [];
    const match = users.find((u) => sameText(u.userName, userName));
    if (match) return match;
    if (users.length === 0 || (result?.Total !== undefined && (page + 1) * s.pageSize >= result.Total)) {
      return undefined;
    }
  }
  return undefined;
}
