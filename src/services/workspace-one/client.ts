/**
 * Workspace ONE UEM REST client: the calls Ferry makes on a target tenant (users, devices, OGs,
 * registration tokens, ADE, Android Enterprise) and on a source tenant (inventory, wipe commands).
 * Paths, query names and API versions follow the tenant's Swagger specs (shared notes, section A).
 */
import type { Logger } from 'pino';
import { NotFoundError } from '../shared/errors';
import type { RetryPolicy } from '../shared/retry';
import * as ade from './ade';
import type { WorkspaceOneAuth } from './auth';
import * as inventory from './inventory';
import * as tokens from './registration-tokens';
import * as enrollmentUsers from './enrollment-users';
import {
  androidWorkSchema,
  deviceListSchema,
  deviceSchema,
  groupSearchSchema,
  inventoryPageSchema,
  userSearchSchema,
  type Ws1AdeDevice,
  type Ws1AdeProfile,
  type Ws1Device,
  type Ws1InventoryDevice,
  type Ws1OrganizationGroup,
  type Ws1SourceDevice,
  type Ws1TokenDetails,
  type Ws1TokenSummary,
  type Ws1User,
  type Ws1UserRef,
} from './schemas';
import { sameText, seg, Ws1Transport, type Ws1CallSettings } from './transport';

export { DEFAULT_STAGING_MODE_NAMES } from './ade';
export type { RegistrationTokenRequest } from './registration-tokens';
export { StagingUserSwitchRefusedError } from './enrollment-users';

export interface WorkspaceOneClientOptions {
  /** API server, e.g. https://as1234.awmdm.com (the client appends /API/...). */
  baseUrl: string;
  /** The `aw-tenant-code` REST API key. */
  tenantCode: string;
  auth: WorkspaceOneAuth;
  /** Per-request timeout; default 10 000 ms (a hung request costs that, then it is retried). */
  timeoutMs?: number;
  /** Overrides of the shared retry policy (src/services/shared/retry.ts); `{ maxAttempts: 1 }`: none. */
  retry?: Partial<RetryPolicy>;
  /** Serials per bulk device search; default 500. */
  bulkChunkSize?: number;
  /** Page size for paged searches; default 500 (ADE profiles: 50). */
  pageSize?: number;
  /** Safety bound on pages read by one call; default 1000. */
  maxPages?: number;
  /** Platform ids sent with a registration token. UNCONFIRMED mapping; default iOS 2, Android 5. */
  platformIds?: { ios: number; android: number };
  /** Names for integer ADE `StagingMode` values. UNCONFIRMED mapping; see DEFAULT_STAGING_MODE_NAMES. */
  stagingModeNames?: Record<number, string>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export type DeviceSearchBy = 'Serialnumber' | 'Udid' | 'ImeiNumber';

export class WorkspaceOneClient {
  private readonly transport: Ws1Transport;
  private readonly settings: Ws1CallSettings;

  constructor(options: WorkspaceOneClientOptions, logger?: Logger) {
    this.transport = new Ws1Transport(
      { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      logger,
    );
    this.settings = {
      bulkChunkSize: options.bulkChunkSize ?? 500,
      pageSize: options.pageSize ?? 500,
      maxPages: options.maxPages ?? 1000,
      platformIds: options.platformIds ?? { ios: 2, android: 5 },
      stagingModeNames: { ...ade.DEFAULT_STAGING_MODE_NAMES, ...options.stagingModeNames },
    };
  }

  // ------------------------------------------------------------------ users, devices, groups

  /** Exact (trimmed, case-insensitive) email match; the server-side search is not guaranteed exact. */
  async findUserByEmail(email: string): Promise<Ws1User | undefined> {
    for (let page = 0; page < this.settings.maxPages; page++) {
      const result = await this.transport.fetch(userSearchSchema, {
        method: 'GET',
        path: '/API/system/users/search',
        version: 1,
        query: { email: email.trim(), page, pagesize: this.settings.pageSize },
      });
      const users = result?.Users ?? [];
      if (users.length === 0) return undefined;
      const match = users.find((u) => sameText(u.email, email));
      if (match) return match;
      const seen = (page + 1) * this.settings.pageSize;
      if (result?.Total !== undefined && seen >= result.Total) return undefined;
    }
    return undefined;
  }

  async findDevice(by: DeviceSearchBy, value: string): Promise<Ws1Device | undefined> {
    try {
      return await this.transport.fetch(deviceSchema, {
        method: 'GET',
        path: '/API/mdm/devices',
        version: 1,
        query: { searchby: by, id: value },
      });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async findDevicesBySerials(serials: string[]): Promise<Ws1Device[]> {
    const found: Ws1Device[] = [];
    for (let i = 0; i < serials.length; i += this.settings.bulkChunkSize) {
      const chunk = serials.slice(i, i + this.settings.bulkChunkSize);
      const result = await this.transport.fetch(deviceListSchema, {
        method: 'POST',
        path: '/API/mdm/devices',
        version: 1,
        query: { searchby: 'Serialnumber' },
        body: { BulkValues: { Value: chunk } },
        idempotent: true, // a search in a POST body: it reads only
      });
      found.push(...(result?.Devices ?? []));
    }
    return found;
  }

  async getOrganizationGroup(groupId: string): Promise<Ws1OrganizationGroup> {
    const request = {
      method: 'GET',
      path: '/API/system/groups/search',
      version: 1,
      query: { groupid: groupId },
    } as const;
    const result = await this.transport.fetch(groupSearchSchema, request);
    const group = (result?.LocationGroups ?? []).find((g) => sameText(g.groupId, groupId));
    if (!group) {
      throw new NotFoundError(this.transport.context(request), 'no organization group with that Group ID');
    }
    return group;
  }

  async getAndroidWorkRegistration(ogId: number): Promise<{ registered: boolean; enterpriseId?: string }> {
    try {
      const result = await this.transport.fetch(androidWorkSchema, {
        method: 'GET',
        path: `/API/system/groups/${ogId}/androidwork`,
        version: 1,
      });
      const enterpriseId = result?.EnterpriseId?.trim();
      return enterpriseId ? { registered: true, enterpriseId } : { registered: false };
    } catch (err) {
      // Whether "not registered" is a 404 or an empty object is UNCONFIRMED: both read as not registered.
      if (err instanceof NotFoundError) return { registered: false };
      throw err;
    }
  }

  /**
   * Moves a device from its staging user to `userId` (mdm v2, "check out"). Its 400 (the device is not
   * enrolled to a Multi-Staging user, as documented) is a StagingUserSwitchRefusedError.
   */
  assignEnrollmentUser(deviceId: number, userId: number): Promise<void> {
    return enrollmentUsers.assignEnrollmentUser(this.transport, deviceId, userId);
  }

  /** An ADE profile's staging user by id or user name; undefined when the target has none. */
  findEnrollmentUser(ref: { id?: number; userName?: string }): Promise<Ws1UserRef | undefined> {
    return enrollmentUsers.findEnrollmentUser(this.transport, this.settings, ref);
  }

  // ------------------------------------------------------------------ registration tokens (registration-tokens.ts)

  /** Registers the device for the user (mdm v2, REGISTER_DEVICE) and returns the token value. */
  issueRegistrationToken(ogUuid: string, req: tokens.RegistrationTokenRequest): Promise<{ token: string }> {
    return tokens.issueRegistrationToken(this.transport, this.settings, ogUuid, req);
  }

  listRegistrationTokens(ogUuid: string, serialNumber: string): Promise<Ws1TokenSummary[]> {
    return tokens.listRegistrationTokens(this.transport, this.settings, ogUuid, serialNumber);
  }

  getRegistrationToken(ogUuid: string, tokenUuid: string): Promise<Ws1TokenDetails> {
    return tokens.getRegistrationToken(this.transport, ogUuid, tokenUuid);
  }

  /** Reads a registered device's token value back (system v1), e.g. to re-send it to the user. */
  findRegistrationTokenValue(serialNumber: string): Promise<string | undefined> {
    return tokens.findRegistrationTokenValue(this.transport, serialNumber);
  }

  /** Throws NotFound when the token does not exist (already deleted): callers decide if that is success. */
  deleteRegistrationToken(ogUuid: string, tokenUuid: string): Promise<void> {
    return tokens.deleteRegistrationToken(this.transport, ogUuid, tokenUuid);
  }

  // ------------------------------------------------------------------ Apple ADE (ade.ts)

  listAdeProfiles(ogUuid: string): Promise<Ws1AdeProfile[]> {
    return ade.listAdeProfiles(this.transport, this.settings, ogUuid);
  }

  getAdeProfile(profileUuid: string): Promise<Ws1AdeProfile> {
    return ade.getAdeProfile(this.transport, this.settings, profileUuid);
  }

  listAdeDevices(ogUuid: string): Promise<Ws1AdeDevice[]> {
    return ade.listAdeDevices(this.transport, ogUuid);
  }

  // ------------------------------------------------------------------ source side

  /** Every device of an OG (mdm v2 search by the numeric OG id, every page), each with its user's email. */
  listOrganizationGroupDevices(ogId: number): Promise<Ws1SourceDevice[]> {
    return inventory.listOrganizationGroupDevices(this.transport, this.settings, ogId);
  }

  /** One page (0-based) of an OG's inventory (mdm v3 search), with each enrollment user's email. */
  async listDevicesPage(
    ogUuid: string,
    page: number,
    pageSize: number,
  ): Promise<{ devices: Ws1InventoryDevice[]; total: number }> {
    const result = await this.transport.fetch(inventoryPageSchema, {
      method: 'GET',
      path: '/API/mdm/devices/search',
      version: 3,
      query: { organization_group_uuid: ogUuid, page, page_size: pageSize },
    });
    return { devices: result?.devices ?? [], total: result?.total ?? 0 };
  }

  // The device commands below are not retried here (a POST that acts): the source adapter reads the
  // device before it sends one, so the activity's retry never sends a command twice.

  /** Enterprise wipe (retire) by serial number (mdm v1 alternate-id command). Any 2xx is success. */
  async enterpriseWipe(serialNumber: string): Promise<void> {
    await this.transport.send({
      method: 'POST',
      path: '/API/mdm/devices/commands',
      version: 1,
      query: { command: 'EnterpriseWipe', searchBy: 'Serialnumber', id: serialNumber },
    });
  }

  /** Device wipe (factory reset) by device UUID (mdm v2). Any 2xx is success. */
  async deviceWipe(deviceUuid: string): Promise<void> {
    await this.transport.send({
      method: 'POST',
      path: `/API/mdm/devices/${seg(deviceUuid)}/commands/DeviceWipe`,
      version: 2,
      body: {
        deviceWipe: {
          disableActivationKey: false,
          disallowProximitySetup: false,
          preserveDataPlan: true,
          wipeType: 'WIPE',
        },
      },
    });
  }
}
