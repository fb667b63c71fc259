import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { TemporalUnreachableError } from '../../temporal/connection';

/**
 * The console's error answers, all `{ error, message, field? }`: a request the console refuses says
 * why in words and names the field; an unexpected failure says only that it failed (its details go to
 * the console's log, never to the page, as they may carry what the page must not show).
 */

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string) =>
  new ApiError(400, 'bad_request', message, field);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
/** The workflow (or Temporal) refused the action: its reason, as the CLI prints it. */
export const rejected = (message: string) => new ApiError(409, 'rejected', message);

/** Parses a request part with zod; the first problem becomes a 400 that names its field. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: 'body' | 'query' | 'params',
): z.output<S> {
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = [...issue.path.map(String), ...keys.slice(0, 1)];
  const field = path.length > 0 ? path.join('.') : part;
  const message = keys.length > 0 ? 'unknown field' : issue.message;
  throw badRequest(field, `${field}: ${message}`);
}

interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

function answerFor(err: FastifyError | Error): { status: number; body: ErrorBody } {
  if (err instanceof ApiError) {
    const body = { error: err.error, message: err.message, ...(err.field ? { field: err.field } : {}) };
    return { status: err.statusCode, body };
  }
  if (err instanceof TemporalUnreachableError) {
    return { status: 503, body: { error: 'temporal_unreachable', message: err.message } };
  }
  const code = (err as FastifyError).code ?? '';
  if (code.startsWith('FST_CSRF_')) {
    return { status: 403, body: { error: 'csrf', message: 'missing or invalid x-csrf-token header' } };
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: { error: 'too_large', message: 'the request body is too large' } };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: { error: 'unsupported_media_type', message: err.message } };
  }
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, body: { error: 'bad_request', message: 'body: not valid JSON', field: 'body' } };
  }
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: { error: 'bad_request', message: err.message.split('\n')[0]! } };
  }
  return { status: 500, body: { error: 'internal', message: 'the console failed to answer; see its log' } };
}

export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = answerFor(err);
  // The log names the route, not the URL: a query string can hold a user's email (the devices filter).
  if (status >= 500) request.log.error({ route: request.routeOptions.url, err }, 'console request failed');
  return reply.status(status).send(body);
}
