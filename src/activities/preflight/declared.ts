import {
  ANDROID_STAGING_ENV,
  describeStagingPayload,
  type AndroidStagingEnrollment,
} from '../../config/android-staging';
import type { DeclaredTokenSettings } from '../../workflows/device/messages';

/**
 * The preflight's checks of what the API does not expose and the admin declares (SPEC §2): the token
 * settings (per migration, `ferry start` flags) and the Android staging enrollment (the worker's
 * FERRY_ANDROID_STAGING_*). Shown as declared, not verified; a declaration Ferry's paths cannot work
 * with fails the devices it concerns.
 */

export interface DeclaredCheck {
  result: 'declared' | 'failed';
  detail: string;
  /** What the devices concerned would fail for; empty when the declaration can be used. */
  problems: string[];
}

const REQUIREMENT =
  'enrollment mode Registered Devices Only, Require Registration Token, Single-Factor, length 6-20';
const FLAGS =
  '--enrollment-mode, --require-registration-token, --registration-token-type, ' +
  '--registration-token-length, --token-expiration-hours';

/** The declared token settings, or the requirement when none are declared. */
export function tokenSettingsCheck(declared: DeclaredTokenSettings | undefined): DeclaredCheck {
  if (!declared) {
    return {
      result: 'declared',
      detail: `${REQUIREMENT}: not exposed by the API; declared, not verified (declare them with ${FLAGS} to have every new token checked)`,
      problems: [],
    };
  }
  const shown: string[] = [];
  const problems: string[] = [];
  const { enrollmentMode, requireRegistrationToken, registrationTokenType } = declared;
  if (enrollmentMode !== undefined) {
    shown.push(`Devices Enrollment Mode ${enrollmentMode === 'open' ? 'Open' : 'Registered Devices Only'}`);
    if (enrollmentMode === 'open') {
      problems.push('Devices Enrollment Mode is declared Open; the token paths need Registered Devices Only');
    }
  }
  if (requireRegistrationToken !== undefined) {
    shown.push(`Require Registration Token ${requireRegistrationToken ? 'on' : 'off'}`);
    if (!requireRegistrationToken)
      problems.push('Require Registration Token is declared off; the token paths need it on');
  }
  if (registrationTokenType !== undefined) {
    shown.push(registrationTokenType === 'two_factor' ? 'Two-Factor' : 'Single-Factor');
    if (registrationTokenType === 'two_factor') {
      problems.push(
        'Registration Token Type is declared Two-Factor; the message gives the user only the token',
      );
    }
  }
  if (declared.registrationTokenLength !== undefined) {
    shown.push(`Registration Token Length ${declared.registrationTokenLength}`);
  }
  if (declared.tokenExpirationHours !== undefined) {
    shown.push(`Token Expiration Time ${declared.tokenExpirationHours} hours`);
  }
  const checked =
    declared.registrationTokenLength !== undefined || declared.tokenExpirationHours !== undefined
      ? 'every new token is checked against its length and expiry'
      : 'nothing a token shows is declared (length, expiry): tokens are not checked';
  return {
    result: problems.length > 0 ? 'failed' : 'declared',
    detail: [`${shown.join(', ')}: declared, not verified; ${checked}`, ...problems].join('; '),
    problems,
  };
}

/** The worker's staging enrollment, for a migration with Android fully managed devices. */
export function androidStagingCheck(
  staging: AndroidStagingEnrollment | undefined,
  devices: number,
): DeclaredCheck {
  if (!staging) {
    return {
      result: 'failed',
      detail: `${ANDROID_STAGING_ENV.qrPayload} is not set: ${devices} fully managed devices would fail before the wipe (set it on every worker, and here)`,
      problems: [`set ${ANDROID_STAGING_ENV.qrPayload} on the workers`],
    };
  }
  return {
    result: 'declared',
    detail: `${describeStagingPayload(staging)}: declared, not verified (the QR code goes to ${devices} users before the wipe)`,
    problems: [],
  };
}
