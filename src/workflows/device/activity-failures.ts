import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureType } from '../failures';
import { FailureReason } from './messages';

/**
 * The activity ran out of time: its own timeout, or (for a polling activity) the server stopping the
 * retries because the window closed (past schedule-to-close, or the attempts the window allows).
 */
export function isTimeout(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    (err.cause instanceof TimeoutFailure ||
      err.retryState === RetryState.TIMEOUT ||
      err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED)
  );
}

/**
 * What an admin reads when a step's activity gave up: the failure's type decides, never its message.
 * Returns undefined for anything that is not an activity failure (a bug: let it fail the workflow task).
 */
export function reasonForActivityFailure(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return FailureReason.ServiceUnavailable;
  if (!(cause instanceof ApplicationFailure)) return FailureReason.ServiceUnavailable;
  switch (cause.type) {
    case FailureType.Unauthorized:
      return FailureReason.ServiceRejectedCredentials;
    case FailureType.SourceRefused:
      return FailureReason.SourceRefusedCommand;
    case FailureType.NotFound:
    case FailureType.InvalidRequest:
      return FailureReason.ServiceRejectedRequest;
    default:
      return FailureReason.ServiceUnavailable;
  }
}
