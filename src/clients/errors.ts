/**
 * Typed errors shared by every external-service client.
 *
 * Each class has a stable `type` string, and `name` is set to the same string so that Temporal, which
 * turns a thrown error into an ApplicationFailure whose type is the error's name, can match it against
 * `NON_RETRYABLE_CLIENT_ERROR_TYPES` without any conversion.
 *
 * Messages name the service, method and path (never a query string, header, token, password or email).
 */

export const CLIENT_ERROR_TYPES = [
  'NotFound',
  'Unauthorized',
  'RateLimited',
  'Transient',
  'InvalidRequest',
  'InvalidResponse',
] as const;

export type ClientErrorType = (typeof CLIENT_ERROR_TYPES)[number];

/** InvalidResponse stays retryable: a flaky proxy or a half-written body can produce it. */
export const NON_RETRYABLE_CLIENT_ERROR_TYPES: readonly ClientErrorType[] = [
  'NotFound',
  'Unauthorized',
  'InvalidRequest',
];

/** Where a request went. `path` never carries the query string. */
export interface RequestContext {
  service: string;
  method: string;
  path: string;
}

/** What the remote service said about the failure, when its error body could be read. */
export interface RemoteErrorInfo {
  code?: string | number;
  requestId?: string;
}

/**
 * A code or trace id from an error body, kept only when it is a short token: free text there may quote
 * serials, emails or ids, and error messages must not carry them.
 */
export function errorToken(value: string | undefined): string | undefined {
  return value !== undefined && /^[\w.-]{1,64}$/.test(value) ? value : undefined;
}

export interface ClientErrorDetails extends RemoteErrorInfo {
  status?: number;
  cause?: unknown;
}

export abstract class FerryClientError extends Error {
  readonly type: ClientErrorType;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  /** The service's own error code (e.g. Workspace ONE `errorCode`), when present. */
  readonly remoteCode?: string | number;
  /** The service's trace id for the request (e.g. Workspace ONE `activityId`), when present. */
  readonly requestId?: string;

  protected constructor(
    type: ClientErrorType,
    ctx: RequestContext,
    detail: string,
    details: ClientErrorDetails,
  ) {
    super(`${ctx.service} ${ctx.method} ${ctx.path}: ${detail}`, { cause: details.cause });
    this.name = type;
    this.type = type;
    this.service = ctx.service;
    this.method = ctx.method;
    this.path = ctx.path;
    this.status = details.status;
    this.remoteCode = details.code;
    this.requestId = details.requestId;
  }
}

export class NotFoundError extends FerryClientError {
  constructor(ctx: RequestContext, detail = 'not found', details: ClientErrorDetails = {}) {
    super('NotFound', ctx, detail, details);
  }
}

export class UnauthorizedError extends FerryClientError {
  constructor(ctx: RequestContext, detail = 'unauthorized', details: ClientErrorDetails = {}) {
    super('Unauthorized', ctx, detail, details);
  }
}

export class RateLimitedError extends FerryClientError {
  /** How long the service asked us to wait before the next call. */
  readonly retryAfterMs: number;

  constructor(ctx: RequestContext, retryAfterMs: number, details: ClientErrorDetails = {}) {
    super('RateLimited', ctx, `rate limited, retry after ${retryAfterMs} ms`, details);
    this.retryAfterMs = retryAfterMs;
  }
}

export class TransientError extends FerryClientError {
  constructor(ctx: RequestContext, detail: string, details: ClientErrorDetails = {}) {
    super('Transient', ctx, detail, details);
  }
}

export class InvalidRequestError extends FerryClientError {
  constructor(ctx: RequestContext, detail: string, details: ClientErrorDetails = {}) {
    super('InvalidRequest', ctx, detail, details);
  }
}

export class InvalidResponseError extends FerryClientError {
  constructor(ctx: RequestContext, detail: string, details: ClientErrorDetails = {}) {
    super('InvalidResponse', ctx, detail, details);
  }
}

export function isFerryClientError(err: unknown): err is FerryClientError {
  return err instanceof FerryClientError;
}
