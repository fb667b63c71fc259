/**
 * One authenticated Workspace ONE call: `aw-tenant-code`, `Authorization` and
 * `Accept: application/json;version=N` on every request, one token refresh on a 401 (OAuth only),
 * typed errors from the shared transport, zod parsing of the body, and the shared retry policy for
 * idempotent requests (GET, DELETE, and the POSTs that say `idempotent`): an attempt is the send and
 * the parse, so an unreadable body is asked for again too.
 */
import { sendWithFreshTokenOn401 } from '../shared/oauth-token';
import type { AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { errorToken, NotFoundError, type RemoteErrorInfo, type RequestContext } from '../shared/errors';
import { createHttpClient, parseBody, type HttpClient } from '../shared/http';
import type { RetryPolicy } from '../shared/retry';
import { createAuthProvider, type AuthProvider, type WorkspaceOneAuth } from './auth';
import { errorBodySchema } from './schemas';

export const WORKSPACE_ONE_SERVICE = 'Workspace ONE';

export interface Ws1Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the base URL, starting with `/API/`. No query string. */
  path: string;
  /** API version sent in the Accept header. */
  version: number;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A POST that only reads (a search) says true, so it is retried like a GET. See HttpRequest. */
  idempotent?: boolean;
}

/** Resolved client options the individual calls read. */
export interface Ws1CallSettings {
  pageSize: number;
  maxPages: number;
  bulkChunkSize: number;
  platformIds: { ios: number; android: number };
  stagingModeNames: Record<number, string>;
}

export const seg = encodeURIComponent;

/** Trimmed, case-insensitive equality (emails, serials, group ids). */
export const sameText = (a: string | undefined, b: string) =>
  a?.trim().toLowerCase() === b.trim().toLowerCase();

export interface Ws1TransportOptions {
  baseUrl: string;
  tenantCode: string;
  auth: WorkspaceOneAuth;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
}

export class Ws1Transport {
  private readonly http: HttpClient;
  private readonly authProvider: AuthProvider;

  constructor(
    private readonly options: Ws1TransportOptions,
    logger?: Logger,
  ) {
    this.http = createHttpClient({
      service: WORKSPACE_ONE_SERVICE,
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      readErrorInfo: readWs1ErrorInfo,
      logger,
    });
    this.authProvider = createAuthProvider(options.auth, this.http);
  }

  context(request: Pick<Ws1Request, 'method' | 'path'>): RequestContext {
    return { service: WORKSPACE_ONE_SERVICE, method: request.method, path: request.path };
  }

  /** Sends the request; any 2xx resolves, everything else throws a typed error. */
  send(request: Ws1Request): Promise<AxiosResponse<unknown>> {
    return this.attempts(request, (authorization) => this.sendOnce(request, authorization));
  }

  /** Sends and parses the body; a 204 (or an empty body) resolves to undefined. */
  fetch<S extends z.ZodType>(schema: S, request: Ws1Request): Promise<z.output<S> | undefined> {
    return this.attempts(request, async (authorization) => {
      const response = await this.sendOnce(request, authorization);
      if (response.status === 204 || response.data === '' || response.data === undefined) return undefined;
      return parseBody(schema, response.data, this.context(request));
    });
  }

  /**
   * Deletes. A 404 to a retry means an earlier attempt, whose answer was lost, already deleted it: that
   * is done, not NotFound (a 404 to the first attempt still throws NotFound, for the caller to judge).
   */
  async delete(request: Omit<Ws1Request, 'method'>): Promise<void> {
    const del = { ...request, method: 'DELETE' } as const;
    await this.attempts(del, async (authorization, attempt) => {
      try {
        await this.sendOnce(del, authorization);
      } catch (err) {
        if (!(attempt > 1 && err instanceof NotFoundError)) throw err;
      }
    });
  }

  /** The attempts of one call under the retry policy, each with the current credential; see the top. */
  private attempts<T>(
    request: Ws1Request,
    attempt: (authorization: string, n: number) => Promise<T>,
  ): Promise<T> {
    return sendWithFreshTokenOn401(this.authProvider, (authorization) =>
      this.http.retrying(request, (n) => attempt(authorization, n)),
    );
  }

  private sendOnce(request: Ws1Request, authorization: string): Promise<AxiosResponse<unknown>> {
    const headers: Record<string, string> = {
      'aw-tenant-code': this.options.tenantCode,
      Authorization: authorization,
      Accept: `application/json;version=${request.version}`,
    };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    return this.http.send({
      method: request.method,
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    });
  }
}

/** Workspace ONE error body: `{ errorCode, message, activityId }`. Only the code and trace id are kept. */
export function readWs1ErrorInfo(data: unknown): RemoteErrorInfo {
  const parsed = errorBodySchema.safeParse(data);
  if (!parsed.success) return {};
  const { errorCode, activityId } = parsed.data;
  return {
    code: typeof errorCode === 'number' ? errorCode : errorToken(errorCode),
    requestId: errorToken(activityId),
  };
}
