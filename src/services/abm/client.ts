/**
 * Apple Business Manager API client (shared notes section B): org devices, MDM servers and device
 * activities (assign / unassign). Bearer token from `auth.ts`, one re-mint on a 401, typed errors from
 * the shared transport, every body parsed with zod. Apple publishes no rate limits (observed: GET ≈ 20/min,
 * POST ≈ 10/h), so callers batch serials into one activity and poll sparingly; a 429 is `RateLimited`.
 * GETs are retried under the shared retry policy (src/services/shared/retry.ts); creating a device
 * activity is not (the fleet activity records the activity it created and follows it on a retry).
 */
import { sendWithFreshTokenOn401 } from '../shared/oauth-token';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  TransientError,
  errorToken,
  type RemoteErrorInfo,
  type RequestContext,
} from '../shared/errors';
import { createHttpClient, parseBody, type HttpClient } from '../shared/http';
import type { RetryPolicy } from '../shared/retry';
import { AbmTokenProvider, readPrivateKey } from './auth';
import {
  assignedServerLinkageSchema,
  deviceActivityResponseSchema,
  errorBodySchema,
  mdmServersPageSchema,
  oauthErrorBodySchema,
  orgDeviceResponseSchema,
  orgDevicesPageSchema,
  serverDevicesLinkagesPageSchema,
  toActivity,
  toMdmServer,
  toOrgDevice,
  type AbmActivityType,
  type AbmDeviceActivity,
  type AbmMdmServer,
  type AbmOrgDevice,
} from './schemas';

const APPLE_BUSINESS_MANAGER_SERVICE = 'Apple Business Manager';
const MAX_PAGE_LIMIT = 1000;

export interface AppleBusinessManagerClientOptions {
  /** Default https://api-business.apple.com (the client appends /v1/...). */
  apiBaseUrl?: string;
  /** Default https://account.apple.com/auth/oauth2/token. */
  tokenUrl?: string;
  /** `BUSINESSAPI.<uuid>`. */
  clientId: string;
  keyId: string;
  /** EC P-256 private key, SEC1 or PKCS#8 PEM. */
  privateKeyPem: string;
  /** Send `kid` in the assertion header; default true (Apple's article requires it). */
  includeKid?: boolean;
  scope?: 'business.api';
  /** Per-request timeout; default 10 000 ms (a hung request costs that, then it is retried). */
  timeoutMs?: number;
  /** Overrides of the shared retry policy; `{ maxAttempts: 1 }` turns retries off. */
  retry?: Partial<RetryPolicy>;
  /** Page size for list calls; default 1000 (the maximum). */
  pageLimit?: number;
  /** Safety bound on pages read by one list call; default 1000. */
  maxPages?: number;
}

export interface CreateDeviceActivityInput {
  activityType: AbmActivityType;
  /** Required for the ASSIGN_* types and UNASSIGN_DEVICES; never sent with CANCEL_MDM_MIGRATION. */
  mdmServerId?: string;
  serials: string[];
  /** Required for ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE (≤ 90 days ahead). */
  deadline?: Date | string;
}

interface AbmRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

const seg = encodeURIComponent;

export class AppleBusinessManagerClient {
  private readonly http: HttpClient;
  private readonly auth: AbmTokenProvider;
  private readonly pageLimit: number;
  private readonly maxPages: number;

  constructor(options: AppleBusinessManagerClientOptions, logger?: Logger) {
    this.http = createHttpClient({
      service: APPLE_BUSINESS_MANAGER_SERVICE,
      baseURL: (options.apiBaseUrl ?? 'https://api-business.apple.com').replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry,
      readErrorInfo: readAbmErrorInfo,
      logger,
    });
    this.auth = new AbmTokenProvider(
      {
        tokenUrl: options.tokenUrl ?? 'https://account.apple.com/auth/oauth2/token',
        clientId: options.clientId,
        keyId: options.keyId,
        privateKey: readPrivateKey(options.privateKeyPem),
        includeKid: options.includeKid ?? true,
        scope: options.scope ?? 'business.api',
      },
      this.http,
    );
    this.pageLimit = Math.min(Math.max(1, options.pageLimit ?? MAX_PAGE_LIMIT), MAX_PAGE_LIMIT);
    this.maxPages = options.maxPages ?? 1000;
  }

  /** Every device in the organisation, page by page (follows `links.next` until absent). */
  async *iterateOrgDevices(): AsyncGenerator<AbmOrgDevice> {
    for await (const page of this.pages(orgDevicesPageSchema, '/v1/orgDevices')) {
      yield* page.data.map(toOrgDevice);
    }
  }

  async listOrgDevices(): Promise<AbmOrgDevice[]> {
    const devices: AbmOrgDevice[] = [];
    for await (const device of this.iterateOrgDevices()) devices.push(device);
    return devices;
  }

  /** Throws NotFound when the serial is not in the organisation. */
  async getOrgDevice(serial: string): Promise<AbmOrgDevice> {
    const body = await this.fetch(orgDeviceResponseSchema, {
      method: 'GET',
      path: `/v1/orgDevices/${seg(serial)}`,
    });
    return toOrgDevice(body.data);
  }

  /**
   * The MDM server the device is assigned to, or undefined when it is unassigned. Apple does not document
   * what an unassigned device answers here; when it is a 404, the device itself is read (one more GET):
   * NotFound stands only for a device that is not in the organisation.
   */
  async getAssignedServerId(serial: string): Promise<string | undefined> {
    const request: AbmRequest = {
      method: 'GET',
      path: `/v1/orgDevices/${seg(serial)}/relationships/assignedServer`,
    };
    try {
      const body = await this.fetch(assignedServerLinkageSchema, request);
      return body.data?.id || undefined;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    const device = await this.getOrgDevice(serial);
    if (device.status === 'ASSIGNED') {
      // Apple says assigned but shows no server: read again later rather than call it either.
      throw new TransientError(this.context(request), 'the device reads ASSIGNED but its server answers 404');
    }
    return undefined;
  }

  async listMdmServers(): Promise<AbmMdmServer[]> {
    const servers: AbmMdmServer[] = [];
    for await (const page of this.pages(mdmServersPageSchema, '/v1/mdmServers')) {
      servers.push(...page.data.map(toMdmServer));
    }
    return servers;
  }

  /**
   * Serial numbers assigned to an MDM server, up to 1,000 per GET: reading back a batch assignment costs
   * one request per 1,000 devices, not one per device (Apple allows about 20 GETs a minute). Throws
   * NotFound for an unknown server.
   */
  async listServerDeviceSerials(serverId: string): Promise<string[]> {
    const serials: string[] = [];
    const path = `/v1/mdmServers/${seg(serverId)}/relationships/devices`;
    for await (const page of this.pages(serverDevicesLinkagesPageSchema, path)) {
      serials.push(...page.data.map((linkage) => linkage.id));
    }
    return serials;
  }

  /**
   * Starts one activity for many serials (201 → IN_PROGRESS). COMPLETED does not prove each device moved:
   * re-read `getAssignedServerId` per serial.
   */
  async createDeviceActivity(input: CreateDeviceActivityInput): Promise<AbmDeviceActivity> {
    const request: AbmRequest = { method: 'POST', path: '/v1/orgDeviceActivities' };
    const ctx = this.context(request);
    if (input.serials.length === 0) throw new InvalidRequestError(ctx, 'no serials given');
    // Apple's cancel takes only the devices: their migration knows its server.
    const namesServer = input.activityType !== 'CANCEL_MDM_MIGRATION';
    if (namesServer && !input.mdmServerId)
      throw new InvalidRequestError(ctx, `${input.activityType} needs mdmServerId`);
    const withDeadline = input.activityType === 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE';
    if (withDeadline && input.deadline === undefined) {
      throw new InvalidRequestError(ctx, `${input.activityType} needs a deadline`);
    }
    const attributes: Record<string, unknown> = { activityType: input.activityType };
    if (withDeadline && input.deadline !== undefined) {
      const deadline = input.deadline instanceof Date ? input.deadline.toISOString() : input.deadline;
      attributes.activityTypeMetadata = { mdmMigrationDeadlineDateTime: deadline };
    }
    const relationships: Record<string, unknown> = {
      devices: { data: input.serials.map((id) => ({ type: 'orgDevices', id })) },
    };
    if (namesServer) relationships.mdmServer = { data: { type: 'mdmServers', id: input.mdmServerId } };
    const body = { data: { type: 'orgDeviceActivities', attributes, relationships } };
    return toActivity(await this.fetch(deviceActivityResponseSchema, { ...request, body }));
  }

  async getDeviceActivity(id: string): Promise<AbmDeviceActivity> {
    const body = await this.fetch(deviceActivityResponseSchema, {
      method: 'GET',
      path: `/v1/orgDeviceActivities/${seg(id)}`,
    });
    return toActivity(body);
  }

  // ------------------------------------------------------------------ transport

  private async *pages<S extends z.ZodType<{ links?: { next?: string }; meta?: unknown }>>(
    schema: S,
    path: string,
  ): AsyncGenerator<z.output<S>> {
    let cursor: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const body = await this.fetch(schema, {
        method: 'GET',
        path,
        query: { limit: this.pageLimit, cursor },
      });
      yield body;
      cursor = nextCursor(body, this.context({ method: 'GET', path }));
      if (cursor === undefined) return;
    }
  }

  private context(request: Pick<AbmRequest, 'method' | 'path'>): RequestContext {
    return { service: APPLE_BUSINESS_MANAGER_SERVICE, method: request.method, path: request.path };
  }

  /** One call: the GETs are retried (send and parse), the POST is not; see HttpRequest.idempotent. */
  private fetch<S extends z.ZodType>(schema: S, request: AbmRequest): Promise<z.output<S>> {
    return sendWithFreshTokenOn401(this.auth, (authorization) =>
      this.http.retrying(request, async () => {
        const response = await this.sendOnce(request, authorization);
        return parseBody(schema, response.data, this.context(request));
      }),
    );
  }

  private sendOnce(request: AbmRequest, authorization: string) {
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json' };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    return this.http.send({ ...request, headers });
  }
}

/**
 * The cursor of the next page: taken from `links.next` (or `meta.paging.nextCursor`) and sent to our own
 * base URL, so an absolute `next` link never sends the bearer token to another host. A `next` that is
 * not a URL is an InvalidResponse: stopping there would pass a partial list off as the whole.
 */
function nextCursor(
  body: { links?: { next?: string }; meta?: unknown },
  ctx: RequestContext,
): string | undefined {
  const next = body.links?.next;
  if (next) {
    const base = 'https://placeholder.invalid';
    if (!URL.canParse(next, base)) throw new InvalidResponseError(ctx, 'links.next is not a URL');
    const cursor = new URL(next, base).searchParams.get('cursor');
    if (cursor) return cursor;
  }
  const meta = body.meta as { paging?: { nextCursor?: string } } | undefined;
  return next ? meta?.paging?.nextCursor : undefined;
}

/**
 * Apple's `errors[0].code` and `id` only (never title or detail, which may quote serials or ids), or the
 * token endpoint's OAuth `error` code.
 */
export function readAbmErrorInfo(data: unknown): RemoteErrorInfo {
  const parsed = errorBodySchema.safeParse(data);
  if (!parsed.success) {
    const oauth = oauthErrorBodySchema.safeParse(data);
    return oauth.success ? { code: errorToken(oauth.data.error) } : {};
  }
  const first = parsed.data.errors[0];
  return { code: errorToken(first?.code), requestId: errorToken(first?.id) };
}
