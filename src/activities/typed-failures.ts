import { ApplicationFailure } from '@temporalio/common';
import { isNonRetryable } from '../workflows/failures';
import { isFerryClientError, SourceRefusedError } from '../services/shared/errors';

/**
 * Turns a Ferry error into the ApplicationFailure Temporal's retry policy reads: the same stable type,
 * non-retryable where retrying cannot help, and a 429's Retry-After as the next delay.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof SourceRefusedError) {
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: isNonRetryable(err.type),
    });
  }
  if (!isFerryClientError(err)) return err;
  return ApplicationFailure.create({
    type: err.type,
    message: err.message,
    nonRetryable: isNonRetryable(err.type),
    nextRetryDelay: 'retryAfterMs' in err ? (err.retryAfterMs as number) : undefined,
    details: [{ service: err.service, status: err.status, requestId: err.requestId }],
  });
}

/** The activity threw because the outside world has not caught up yet: retried at the polling interval. */
export function notYet(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.retryable(message, type);
}

type AsyncFn = (...args: never[]) => Promise<unknown>;

/** Wraps every activity of a factory so that client errors leave it as typed failures. */
export function withTypedFailures<T extends Record<string, AsyncFn>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          throw toActivityFailure(err);
        }
      },
    ]),
  ) as T;
}
