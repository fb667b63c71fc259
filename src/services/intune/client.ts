/**
 * Microsoft Intune through Microsoft Graph v1.0 (shared notes C): managed devices (paged with
 * `@odata.nextLink`), one device with its `deviceActionResults`, and the `retire` / `wipe` actions.
 * Bearer token from `auth.ts`, one re-mint on a 401, typed errors from the shared transport (service
 * `Microsoft Graph`), every body parsed with zod. 429, and 503 with a Retry-After, are `RateLimited`.
 * Reads are retried under the shared retry policy (src/services/shared/retry.ts); retire and wipe are
 * not (the source adapter reads the device's pending actions before it sends one).
 */
import { sendWithFreshTokenOn401 } from '../shared/oauth-token';
import type { AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  InvalidResponseError,
  RateLimitedError,
  errorToken,
  type RemoteErrorInfo,
  type RequestContext,
} from '../shared/errors';
import {
  createHttpClient,
  networkError,
  parseBody,
  parseRetryAfter,
  statusError,
  type HttpClient,
} from '../shared/http';
import type { RetryPolicy } from '../shared/retry';
import { sameId } from '../shared/source-uem';
import { intuneToken } from './auth';
import type { ClientCredentialsToken } from '../shared/oauth-token';
import {
  graphErrorBodySchema,
  managedDeviceSchema,
  managedDevicesPageSchema,
  oauthErrorBodySchema,
  toIntuneDevice,
  type IntuneDevice,
} from './schemas';

const MICROSOFT_GRAPH_SERVICE = 'Microsoft Graph';
const DEVICES_PATH = '/deviceManagement/managedDevices';

export interface IntuneClientOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default https://graph.microsoft.com/v1.0 (the client appends /deviceManagement/...). */
  graphBaseUrl?: string;
  /**
   * Graph beta, read only for what v1.0 does not document (the Android Enterprise values of
   * `deviceEnrollmentType`). Default: `graphBaseUrl` with its trailing /v1.0 replaced by /beta.
   */
  graphBetaBaseUrl?: string;
  /** Default https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token. */
  tokenUrl?: string;
  /** Per-request timeout; default 10 000 ms (a hung request costs that, then it is retried). */
  timeoutMs?: number;
  /** Overrides of the shared retry policy; `{ maxAttempts: 1 }` turns retries off. */
  retry?: Partial<RetryPolicy>;
  /** Safety bound on pages read by one list call; default 10 000. */
  maxPages?: number;
}

export interface ListManagedDevicesOptions {
  /** An OData `$filter`, e.g. `operatingSystem eq 'iOS'`. */
  filter?: string;
  /** `$top`; Graph decides the page size when absent. */
  pageSize?: number;
  /** `$select`: the properties wanted (Graph may still send others). */
  select?: string[];
  /** Read Graph beta instead of v1.0 (same paths, beta's enums). */
  beta?: boolean;
}

export interface WipeOptions {
  keepEnrollmentData: boolean;
  keepUserData: boolean;
}

interface GraphRequest {
  method: 'GET' | 'POST';
  /** Relative to the Graph base URL, or an absolute `@odata.nextLink` on the same origin. */
  url: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** An OData string literal: single quotes doubled. */
const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;
const seg = encodeURIComponent;

export class IntuneClient {
  private readonly http: HttpClient;
  private readonly auth: ClientCredentialsToken;
  private readonly baseUrl: URL;
  private readonly betaBaseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxPages: number;

  constructor(
    options: IntuneClientOptions,
    private readonly logger?: Logger,
  ) {
    const base = (options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '');
    this.baseUrl = new URL(base);
    this.betaBaseUrl = (options.graphBetaBaseUrl ?? base.replace(/\/v1\.0$/, '/beta')).replace(/\/+$/, '');
    // The bearer token goes to Graph's origin only.
    if (new URL(this.betaBaseUrl).origin !== this.baseUrl.origin) {
      throw new Error('graphBetaBaseUrl must be on the origin of graphBaseUrl');
    }
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxPages = options.maxPages ?? 10_000;
    this.http = createHttpClient({
      service: MICROSOFT_GRAPH_SERVICE,
      baseURL: base,
      timeoutMs: this.timeoutMs,
      retry: options.retry,
      readErrorInfo: readGraphErrorInfo,
      logger,
    });
    const tokenUrl =
      options.tokenUrl ?? `https://login.microsoftonline.com/${seg(options.tenantId)}/oauth2/v2.0/token`;
    this.auth = intuneToken(
      { tokenUrl, clientId: options.clientId, clientSecret: options.clientSecret },
      this.http,
    );
  }

  /** Every managed device matching `filter`, page by page (follows `@odata.nextLink` until absent). */
  async *iterateManagedDevices(options: ListManagedDevicesOptions = {}): AsyncGenerator<IntuneDevice> {
    let request: GraphRequest | undefined = {
      method: 'GET',
      url: options.beta ? `${this.betaBaseUrl}${DEVICES_PATH}` : DEVICES_PATH,
      query: { $filter: options.filter, $top: options.pageSize, $select: options.select?.join(',') },
    };
    for (let page = 0; request && page < this.maxPages; page++) {
      const body: z.output<typeof managedDevicesPageSchema> = await this.fetch(
        managedDevicesPageSchema,
        request,
      );
      yield* body.value.map(toIntuneDevice);
      const next = body['@odata.nextLink'];
      request = next ? { method: 'GET', url: this.sameOrigin(next) } : undefined;
    }
  }

  async listManagedDevices(options: ListManagedDevicesOptions = {}): Promise<IntuneDevice[]> {
    const devices: IntuneDevice[] = [];
    for await (const device of this.iterateManagedDevices(options)) devices.push(device);
    return devices;
  }

  /**
   * Every record with this serial (Intune can hold stale duplicates); [] when none. Graph answers a
   * `$filter` it does not support with the unfiltered list, not an error (microsoft-graph-docs-contrib
   * issue 235, microsoft-graph-explorer-v4 issue 3125), so each record returned is checked here: only
   * those whose serial is this one (case aside, as Intune compares them) are kept.
   */
  async findBySerial(serialNumber: string): Promise<IntuneDevice[]> {
    const found: IntuneDevice[] = [];
    let dropped = 0;
    const filter = `serialNumber eq ${odataString(serialNumber)}`;
    for await (const device of this.iterateManagedDevices({ filter })) {
      if (sameId(device.serialNumber, serialNumber)) found.push(device);
      else dropped++;
    }
    if (dropped > 0) {
      this.logger?.warn({ dropped, kept: found.length }, 'Graph ignored the serialNumber $filter');
    }
    return found;
  }

  /** One device with its `deviceActionResults`. Throws NotFound when Intune no longer has it. */
  async getDevice(id: string): Promise<IntuneDevice> {
    const raw = await this.fetch(managedDeviceSchema, { method: 'GET', url: `${DEVICES_PATH}/${seg(id)}` });
    return toIntuneDevice(raw);
  }

  /** Retire (remove company data and management); 204. */
  async retire(id: string): Promise<void> {
    await this.fetch(undefined, { method: 'POST', url: `${DEVICES_PATH}/${seg(id)}/retire` });
  }

  /** Wipe (factory reset unless told to keep data); 204. */
  async wipe(id: string, options: WipeOptions): Promise<void> {
    const body = { keepEnrollmentData: options.keepEnrollmentData, keepUserData: options.keepUserData };
    await this.fetch(undefined, { method: 'POST', url: `${DEVICES_PATH}/${seg(id)}/wipe`, body });
  }

  // ------------------------------------------------------------------ transport

  /** An absolute next link is followed only on the Graph origin, so the token never goes elsewhere. */
  private sameOrigin(next: string): string {
    const ctx = { service: MICROSOFT_GRAPH_SERVICE, method: 'GET', path: DEVICES_PATH };
    if (!URL.canParse(next, this.baseUrl.href)) {
      throw new InvalidResponseError(ctx, '@odata.nextLink is not a URL');
    }
    const url = new URL(next, this.baseUrl);
    if (url.origin !== this.baseUrl.origin) {
      throw new InvalidResponseError(ctx, '@odata.nextLink points to another origin');
    }
    return url.toString();
  }

  private fetch<S extends z.ZodType>(schema: S, request: GraphRequest): Promise<z.output<S>>;
  private fetch(schema: undefined, request: GraphRequest): Promise<void>;
  private fetch(schema: z.ZodType | undefined, request: GraphRequest): Promise<unknown> {
    // GETs are retried, the POSTs (retire, wipe) are not: see HttpRequest.idempotent.
    const retried = { method: request.method, path: request.url };
    return sendWithFreshTokenOn401(this.auth, (authorization) =>
      this.http.retrying(retried, async () => {
        const response = await this.sendOnce(request, authorization);
        return schema ? parseBody(schema, response.data, this.context(request)) : undefined;
      }),
    );
  }

  private context(request: GraphRequest): RequestContext {
    const path = new URL(request.url.split('?')[0] ?? '', 'http://x').pathname;
    const relative = /^https?:/i.test(request.url) ? path.replace(this.baseUrl.pathname, '') : path;
    return { service: MICROSOFT_GRAPH_SERVICE, method: request.method, path: relative };
  }

  private async sendOnce(request: GraphRequest, authorization: string): Promise<AxiosResponse<unknown>> {
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json' };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const ctx = this.context(request);
    const started = Date.now();
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.instance.request({
        method: request.method,
        url: withQuery(request.url, request.query),
        headers,
        data: request.body,
      });
    } catch (err) {
      throw networkError(err, ctx, this.timeoutMs);
    }
    const durationMs = Date.now() - started;
    this.logger?.debug({ ...ctx, status: response.status, durationMs }, 'http request');
    if (response.status >= 200 && response.status < 300) return response;
    const retryAfter = (response.headers as Record<string, unknown>)['retry-after'];
    const retryAfterMs = parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined);
    if (response.status === 503 && retryAfterMs !== undefined) {
      // Graph also throttles with 503 + Retry-After (shared notes C.4).
      const info = readGraphErrorInfo(response.data);
      throw new RateLimitedError(ctx, retryAfterMs, { status: 503, ...info });
    }
    throw statusError(response, ctx, { readErrorInfo: readGraphErrorInfo });
  }
}

/** Query encoded with %20 (not `+`) and `$` kept literal, as Graph's own examples write OData options. */
function withQuery(url: string, query: GraphRequest['query']): string {
  const parts = Object.entries(query ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `${url}?${parts.join('&')}` : url;
}

/** Graph's `error.code` and `innerError.request-id` only (never `message`, which may quote ids or UPNs). */
function readGraphErrorInfo(data: unknown): RemoteErrorInfo {
  const graph = graphErrorBodySchema.safeParse(data);
  if (graph.success) {
    const { code, innerError } = graph.data.error;
    return { code: errorToken(code), requestId: errorToken(innerError?.['request-id']) };
  }
  const oauth = oauthErrorBodySchema.safeParse(data);
  return oauth.success ? { code: errorToken(oauth.data.error) } : {};
}
