import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureType } from '../failures';
import { FailureReason } from './messages';
import { DECLARED_SETTINGS_FAILURES, type Patches } from './patches';

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
export function reasonForActivityFailure(err: unknown, patches: Patches): string | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return FailureReason.ServiceUnavailable;
  if (!(cause instanceof ApplicationFailure)) return FailureReason.ServiceUnavailable;
  switch (cause.type) {
    case FailureType.Unauthorized:
      return FailureReason.ServiceRejectedCredentials;
    case FailureType.SourceRefused:
      return FailureReason.SourceRefusedCommand;
    // A type no history recorded before it can hold: no patch needed.
    case FailureType.SourceDeviceNotMatched:
      return FailureReason.SourceDeviceNotMatched;
    case FailureType.NotFound:
    case FailureType.InvalidRequest:
      return FailureReason.ServiceRejectedRequest;
    case FailureType.TokenSettingsMismatch:
    case FailureType.StagingEnrollmentNotDeclared:
      // Guarded: a history recorded before these reasons existed read them as a service not answering.
      if (!patches.inForce(DECLARED_SETTINGS_FAILURES)) return FailureReason.ServiceUnavailable;
      return cause.type === FailureType.TokenSettingsMismatch
        ? FailureReason.TokenSettingsDiffer
        : FailureReason.AndroidStagingNotDeclared;
    default:
      return FailureReason.ServiceUnavailable;
  }
}

/**
 * The detail an admin reads after the reason, for failures whose message Ferry writes for admins (the
 * setting that differs, the key to set): never a token, an email or a service's own words.
 */
export function detailForActivityFailure(err: unknown, reason: string): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const ownReason =
    cause.type === FailureType.SourceDeviceNotMatched ||
    (cause.type === FailureType.TokenSettingsMismatch && reason === FailureReason.TokenSettingsDiffer) ||
    (cause.type === FailureType.StagingEnrollmentNotDeclared &&
      reason === FailureReason.AndroidStagingNotDeclared);
  return ownReason ? cause.message : undefined;
}
