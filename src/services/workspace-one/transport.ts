/**
 * One authenticated Workspace ONE call: `aw-tenant-code`, `Authorization` and
 * `Accept: application/json;version=N` on every request, one token refresh on a 401 (OAuth only),
 * typed errors from the shared transport, and zod parsing of the body.
 */
import { sendWithFreshTokenOn401 } from '../shared/oauth-token';
import type { AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { errorToken, type RemoteErrorInfo, type RequestContext } from '../shared/errors';
import { createHttpClient, parseBody, type HttpClient } from '../shared/http';
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
    return sendWithFreshTokenOn401(this.authProvider, (authorization) =>
      this.sendOnce(request, authorization),
    );
  }

  /** Sends and parses the body; a 204 (or an empty body) resolves to undefined. */
  async fetch<S extends z.ZodType>(schema: S, request: Ws1Request): Promise<z.output<S> | undefined> {
    const response = await this.send(request);
    if (response.status === 204 || response.data === '' || response.data === undefined) return undefined;
    return parseBody(schema, response.data, this.context(request));
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
