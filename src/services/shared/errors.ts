import { FailureType, isNonRetryable } from '../../workflows/failures';

/**
 * Typed errors shared by every external-service client.
 *
 * Each class has a stable `type` string (one of Ferry's failure types), and `name` is set to the same
 * string so that Temporal, which turns a thrown error into an ApplicationFailure whose type is the
 * error's name, can match it against the retry policies' non-retryable types without any conversion.
 *
 * Messages name the service, method and path (never a query string, header, token, password or email).
 */

export const CLIENT_ERROR_TYPES = [
  FailureType.NotFound,
  FailureType.Unauthorized,
  FailureType.RateLimited,
  FailureType.Transient,
  FailureType.InvalidRequest,
  FailureType.InvalidResponse,
] as const;

export type ClientErrorType = (typeof CLIENT_ERROR_TYPES)[number];

/** The client errors retrying cannot fix, read from Ferry's one non-retryable list. */
export const NON_RETRYABLE_CLIENT_ERROR_TYPES: readonly ClientErrorType[] =
  CLIENT_ERROR_TYPES.filter(isNonRetryable);

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
    super(FailureType.NotFound, ctx, detail, details);
  }
}

export class UnauthorizedError extends FerryClientError {
  constructor(ctx: RequestContext, detail = 'unauthorized', details: ClientErrorDetails = {}) {
    super(FailureType.Unauthorized, ctx, detail, details);
  }
}

export class RateLimitedError extends FerryClientError {
  /** How long the service asked us to wait before the next call. */
  readonly retryAfterMs: number;

  constructor(ctx: RequestContext, retryAfterMs: number, details: ClientErrorDetails = {}) {
    super(FailureType.RateLimited, ctx, `rate limited, retry after ${retryAfterMs} ms`, details);
    this.retryAfterMs = retryAfterMs;
  }
}

export class TransientError extends FerryClientError {
  constructor(ctx: RequestContext, detail: string, details: ClientErrorDetails = {}) {
    super(FailureType.Transient, ctx, detail, details);
  }
}

export class InvalidRequestError extends FerryClientError {
  constructor(ctx: RequestContext, detail: string, details: ClientErrorDetails = {}) {
    super(FailureType.InvalidRequest, ctx, detail, details);
  }
}

export class InvalidResponseError extends FerryClientError {
  constructor(ctx: RequestContext, detail: string, details: ClientErrorDetails = {}) {
    super(FailureType.InvalidResponse, ctx, detail, details);
  }
}

export function isFerryClientError(err: unknown): err is FerryClientError {
  return err instanceof FerryClientError;
}

/**
 * The source tenant answered a retire or wipe and said no (wipe protection, a locked device, no UUID to
 * wipe by): retrying cannot help, an admin must look. Thrown by the source adapters, not by a client.
 */
export class SourceRefusedError extends Error {
  readonly type: typeof FailureType.SourceRefused | typeof FailureType.SourceDeviceNotMatched;

  constructor(message: string, type: SourceRefusedError['type'] = FailureType.SourceRefused) {
    super(message);
    this.type = type;
    this.name = this.type;
  }
}

/**
 * A source command was not sent because no record the source returned is surely the listed device (two
 * records with its serial, or one with another id than the device list's): an admin must say which.
 */
export class SourceDeviceNotMatchedError extends SourceRefusedError {
  constructor(message: string) {
    super(message, FailureType.SourceDeviceNotMatched);
  }
}
