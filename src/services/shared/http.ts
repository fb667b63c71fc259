/**
 * Service-neutral HTTP transport: an axios instance with a timeout, one `send` that turns every failure
 * into a typed error from `./errors`, `retrying` that repeats an idempotent request's attempt (send and
 * parse) under the client's retry policy (`./retry`), and `parseBody` that validates a response with a
 * zod schema.
 *
 * Nothing here knows about a particular service; a client passes its name, base URL and, optionally, a
 * reader for its error body. Query strings, headers and bodies never reach an error message or a log.
 */
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  TransientError,
  UnauthorizedError,
  type FerryClientError,
  type RemoteErrorInfo,
  type RequestContext,
} from './errors';
import { retryPolicy, withRetries, type RetryPolicy } from './retry';

/** Used when a 429 carries no usable Retry-After header. */
export const DEFAULT_RETRY_AFTER_MS = 30_000;

export interface HttpClientOptions {
  /** Human name used in errors and logs, e.g. `Workspace ONE`. */
  service: string;
  baseURL: string;
  timeoutMs: number;
  /** Reads the service's error body. Return codes and trace ids only, never free text. */
  readErrorInfo?: (data: unknown) => RemoteErrorInfo;
  defaultRetryAfterMs?: number;
  /** Overrides of DEFAULT_RETRY_POLICY for this client, e.g. `{ maxAttempts: 1 }` to turn retries off. */
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

export interface HttpRequest {
  method: Method;
  /** Path relative to the base URL, or an absolute URL (e.g. an OAuth token endpoint). No query string. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** JSON body, or a URLSearchParams for a form body. */
  body?: unknown;
  /**
   * Whether sending the request twice does no more than sending it once. Default: true for GET, HEAD,
   * OPTIONS, PUT and DELETE, false otherwise; a POST that only reads (a search, a token request) says true.
   */
  idempotent?: boolean;
}

/** What `retrying` needs to know of a request. */
export type RetriedRequest = Pick<HttpRequest, 'method' | 'path' | 'idempotent'>;

export interface HttpClient {
  readonly service: string;
  readonly instance: AxiosInstance;
  /** Sends a request once; resolves with any 2xx response and throws a typed error for everything else. */
  send(request: HttpRequest): Promise<AxiosResponse<unknown>>;
  /**
   * Runs `attempt` (typically `send` and `parseBody`) and, when the request is idempotent, runs it again
   * after a retryable failure, as the retry policy allows. A non-idempotent request gets one attempt.
   */
  retrying<T>(request: RetriedRequest, attempt: (n: number) => Promise<T>): Promise<T>;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Whether a request may be sent again after a failure whose effect on the server is unknown. */
export function isIdempotent(request: Pick<HttpRequest, 'method' | 'idempotent'>): boolean {
  return request.idempotent ?? IDEMPOTENT_METHODS.has(request.method.toUpperCase());
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const instance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });
  const service = options.service;

  async function send(request: HttpRequest): Promise<AxiosResponse<unknown>> {
    const ctx: RequestContext = { service, method: request.method.toUpperCase(), path: pathOf(request.path) };
    const started = Date.now();
    let response: AxiosResponse<unknown>;
    try {
      response = await instance.request({
        method: request.method,
        url: request.path,
        params: request.query,
        headers: request.headers,
        data: request.body,
      });
    } catch (err) {
      const mapped = networkError(err, ctx, options.timeoutMs);
      options.logger?.debug(
        { ...ctx, error: mapped.type, durationMs: Date.now() - started },
        'http request failed',
      );
      throw mapped;
    }
    options.logger?.debug(
      { ...ctx, status: response.status, durationMs: Date.now() - started },
      'http request',
    );
    if (response.status >= 200 && response.status < 300) return response;
    throw statusError(response, ctx, options);
  }

  const policy = retryPolicy(options.retry);

  function retrying<T>(request: RetriedRequest, attempt: (n: number) => Promise<T>): Promise<T> {
    if (!isIdempotent(request) || policy.maxAttempts === 1) return attempt(1);
    return withRetries(
      {
        policy,
        attemptTimeoutMs: options.timeoutMs,
        onRetry: ({ attempt: n, delayMs, error }) =>
          options.logger?.debug(
            {
              service,
              method: request.method.toUpperCase(),
              path: pathOf(request.path),
              attempt: n,
              error: (error as FerryClientError).type,
              delayMs,
            },
            'http request retried',
          ),
      },
      attempt,
    );
  }

  return { service, instance, send, retrying };
}

/** Maps a non-2xx response to a typed error. */
export function statusError(
  response: Pick<AxiosResponse<unknown>, 'status' | 'headers' | 'data'>,
  ctx: RequestContext,
  options: Pick<HttpClientOptions, 'readErrorInfo' | 'defaultRetryAfterMs'> = {},
): FerryClientError {
  const status = response.status;
  const info = safeErrorInfo(options.readErrorInfo, response.data);
  const details = { status, ...info };
  const detail = describeStatus(status, info);
  if (status === 401) return new UnauthorizedError(ctx, detail, details);
  if (status === 404) return new NotFoundError(ctx, detail, details);
  if (status === 429) {
    const header = headerValue(response.headers, 'retry-after');
    const retryAfterMs = parseRetryAfter(header) ?? options.defaultRetryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    return new RateLimitedError(ctx, retryAfterMs, details);
  }
  if (status >= 500) return new TransientError(ctx, detail, details);
  if (status >= 400) return new InvalidRequestError(ctx, detail, details);
  return new InvalidResponseError(ctx, `unexpected ${detail}`, details);
}

/** Maps a failure without a response (timeout, reset, refused, DNS) to a typed error. */
export function networkError(err: unknown, ctx: RequestContext, timeoutMs: number): FerryClientError {
  if (!(err instanceof AxiosError)) {
    return new TransientError(ctx, 'request failed before a response arrived');
  }
  // The axios error carries the request config (headers included), so it is never kept as a cause.
  const code = err.code ?? 'unknown';
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return new TransientError(ctx, `no response within ${timeoutMs} ms`);
  }
  if (code === 'ECONNRESET' || /socket hang up/i.test(err.message)) {
    return new TransientError(ctx, 'connection reset');
  }
  return new TransientError(ctx, `network error (${code})`);
}

/**
 * Parses a Retry-After value: delay-seconds or an HTTP-date. Returns milliseconds (never negative),
 * or undefined when the value is missing or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Validates `data` with `schema`. On failure throws InvalidResponse naming each failing field path,
 * e.g. `Users.0.Email: expected string` (types only: received values never appear in the message).
 */
export function parseBody<S extends z.ZodType>(schema: S, data: unknown, ctx: RequestContext): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map(describeIssue);
  const more = result.error.issues.length > 5 ? ` (+${result.error.issues.length - 5} more)` : '';
  throw new InvalidResponseError(ctx, issues.join('; ') + more);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
  const what = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
  return `${path}: ${what}`;
}

function describeStatus(status: number, info: RemoteErrorInfo): string {
  const parts: string[] = [];
  if (info.code !== undefined) parts.push(`errorCode ${info.code}`);
  if (info.requestId !== undefined) parts.push(`requestId ${info.requestId}`);
  return parts.length > 0 ? `HTTP ${status} (${parts.join(', ')})` : `HTTP ${status}`;
}

function safeErrorInfo(reader: HttpClientOptions['readErrorInfo'], data: unknown): RemoteErrorInfo {
  if (!reader) return {};
  try {
    return reader(data);
  } catch {
    return {};
  }
}

function headerValue(headers: AxiosResponse['headers'], name: string): string | undefined {
  const value: unknown = (headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function pathOf(url: string): string {
  const withoutQuery = url.split('?')[0] ?? url;
  if (/^https?:\/\//i.test(withoutQuery)) return new URL(withoutQuery).pathname;
  return withoutQuery;
}
