/**
 * Registration token calls: issue (mdm v2, REGISTER_DEVICE, returns the value), list/read/delete under
 * `/API/mdm/groups/{ogUuid}/enrollment-tokens` (mdm v1), and the value read-back by serial (system v1).
 */
import { InvalidResponseError } from '../shared/errors';
import {
  tokenCreatedSchema,
  tokenDetailsSchema,
  tokenListSchema,
  tokenValueSearchSchema,
  type Ws1TokenDetails,
  type Ws1TokenSummary,
} from './schemas';
import { sameText, seg, type Ws1CallSettings, type Ws1Transport } from './transport';

export interface RegistrationTokenRequest {
  userUuid: string;
  serialNumber: string;
  platform: 'ios' | 'android';
  friendlyName?: string;
  email?: string;
}

export async function issueRegistrationToken(
  t: Ws1Transport,
  s: Ws1CallSettings,
  ogUuid: string,
  req: RegistrationTokenRequest,
): Promise<{ token: string }> {
  // Not idempotent: each POST registers the device once more. Not retried here; the activity reads the
  // target's tokens before it issues one, so its own retry never doubles a token.
  const request = {
    method: 'POST',
    path: `/API/mdm/groups/${seg(ogUuid)}/enrollment-tokens`,
    version: 2,
    body: {
      registration_type: 'REGISTER_DEVICE',
      device_registration_record: {
        user_uuid: req.userUuid,
        friendly_name: req.friendlyName ?? req.serialNumber,
        ownership_type: 'CORPORATE_DEDICATED',
        platform_id: s.platformIds[req.platform],
        serial_number: req.serialNumber,
        // -1 = none: Ferry sends its own message (mapping partly inferred, see notes A.5).
        message_type: -1,
        to_email_address: req.email,
        is_migration: true,
      },
    },
  } as const;
  const result = await t.fetch(tokenCreatedSchema, request);
  if (!result) throw new InvalidResponseError(t.context(request), 'empty body, expected a token');
  return { token: result.token };
}

export async function listRegistrationTokens(
  t: Ws1Transport,
  s: Ws1CallSettings,
  ogUuid: string,
  serialNumber: string,
): Promise<Ws1TokenSummary[]> {
  const tokens: Ws1TokenSummary[] = [];
  for (let page = 0; page < s.maxPages; page++) {
    const result = await t.fetch(tokenListSchema, {
      method: 'GET',
      path: `/API/mdm/groups/${seg(ogUuid)}/enrollment-tokens`,
      version: 1,
      query: { serial_number: serialNumber, page, page_size: s.pageSize },
    });
    const batch = result?.tokens ?? [];
    tokens.push(
      ...batch.filter((tk) => tk.serialNumber === undefined || sameText(tk.serialNumber, serialNumber)),
    );
    if (batch.length === 0 || result?.total === undefined || (page + 1) * s.pageSize >= result.total) break;
  }
  return tokens;
}

export async function getRegistrationToken(
  t: Ws1Transport,
  ogUuid: string,
  tokenUuid: string,
): Promise<Ws1TokenDetails> {
  const request = {
    method: 'GET',
    path: `/API/mdm/groups/${seg(ogUuid)}/enrollment-tokens/${seg(tokenUuid)}`,
    version: 1,
  } as const;
  const details = await t.fetch(tokenDetailsSchema, request);
  if (!details) throw new InvalidResponseError(t.context(request), 'empty body, expected a token');
  return {
    uuid: tokenUuid,
    serialNumber: details.serial_number,
    userName: details.user_name,
    expirationDate: details.expiration_date ?? undefined,
    registrationDate: details.registration_date ?? undefined,
    status: details.status,
    enrollmentStatus: details.enrollment_status,
  };
}

/** The value of the serial's registration token (the last one listed when several exist). */
export async function findRegistrationTokenValue(
  t: Ws1Transport,
  serialNumber: string,
): Promise<string | undefined> {
  const result = await t.fetch(tokenValueSearchSchema, {
    method: 'GET',
    path: '/API/system/users/enrollmenttoken/search',
    version: 1,
    query: { serialnumber: serialNumber },
  });
  const matches = (result?.Device ?? []).filter((d) => sameText(d.SerialNumber, serialNumber) && d.Token);
  return matches.at(-1)?.Token;
}

export async function deleteRegistrationToken(
  t: Ws1Transport,
  ogUuid: string,
  tokenUuid: string,
): Promise<void> {
  await t.delete({ path: `/API/mdm/groups/${seg(ogUuid)}/enrollment-tokens/${seg(tokenUuid)}`, version: 1 });
}
