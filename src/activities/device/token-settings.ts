import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../workflows/failures';
import type { DeclaredTokenSettings } from '../../workflows/device/messages';

/**
 * The check of a new registration token against the token settings the admin declared for the migration
 * (the API exposes none of them, notes A.7): its length and characters against Registration Token
 * Length, its expiry minus its issue time against Token Expiration Time. Only these can be read off a
 * token; the enrollment mode, Require Registration Token and the token type stay "declared, not verified".
 */

/** What can be read off one token; the value is never part of a message. */
export interface IssuedTokenFacts {
  /** Absent when the target did not show it: length and characters are then not checked. */
  value?: string;
  issuedAt: number;
  /** Absent when the target reports no expiry (every field of its model is optional): not checked. */
  expiresAt?: number;
}

/**
 * How far the expiry may sit from the declared hours: the issue time is the target's registration date
 * when it sends one, else the worker's clock just before the request (clocks differ by a few minutes).
 */
export const EXPIRY_TOLERANCE_MS = 15 * 60_000;

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
const HOUR_MS = 3_600_000;

const hours = (ms: number) => `${Math.round((ms / HOUR_MS) * 10) / 10} hours`;

/** Each declared setting the token contradicts, named as the console names it; empty when it matches. */
export function tokenSettingsProblems(declared: DeclaredTokenSettings, token: IssuedTokenFacts): string[] {
  const problems: string[] = [];
  const { value } = token;
  const length = declared.registrationTokenLength;
  if (value !== undefined && length !== undefined && value.length !== length) {
    problems.push(`Registration Token Length: the token has ${value.length} characters, declared ${length}`);
  }
  if (value !== undefined && !ALPHANUMERIC.test(value)) {
    problems.push('Registration Token Length: the token has characters other than letters and digits');
  }
  const expiry = declared.tokenExpirationHours;
  if (expiry !== undefined && token.expiresAt !== undefined) {
    const actual = token.expiresAt - token.issuedAt;
    if (Math.abs(actual - expiry * HOUR_MS) > EXPIRY_TOLERANCE_MS) {
      problems.push(
        `Token Expiration Time: the token expires ${hours(actual)} after it was issued, declared ${hours(expiry * HOUR_MS)}`,
      );
    }
  }
  return problems;
}

/** Whether anything about a token can be checked against `declared`. */
export function checksTokens(declared: DeclaredTokenSettings | undefined): declared is DeclaredTokenSettings {
  return declared?.registrationTokenLength !== undefined || declared?.tokenExpirationHours !== undefined;
}

/** The non-retryable failure of a token that differs: the device fails, and the breaker pauses the migration. */
export function tokenSettingsFailure(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.TokenSettingsMismatch,
    message: problems.join('; '),
    nonRetryable: true,
  });
}
