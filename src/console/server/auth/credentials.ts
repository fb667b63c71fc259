import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';

/**
 * A local account's two factors: an argon2id password hash (@node-rs/argon2's default algorithm and
 * its OWASP-level cost), and a TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s — what every
 * authenticator app reads), whose codes are accepted once each.
 */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
const ISSUER = 'Ferry console';
const PERIOD_S = 30;

export function hashPassword(password: string): Promise<string> {
  // @node-rs/argon2 hashes with argon2id unless told otherwise (its Algorithm is a const enum, which a
  // transpile-only build cannot read): the test checks the hash says `$argon2id$`.
  return hash(password);
}

/** A hash of no password, verified when no account matches, so that an unknown name takes as long. */
let decoy: Promise<string> | undefined;

export async function passwordMatches(passwordHash: string | undefined, password: string): Promise<boolean> {
  const against = passwordHash ?? (await (decoy ??= hash(crypto.randomUUID())));
  try {
    return (await verify(against, password)) && passwordHash !== undefined;
  } catch {
    return false;
  }
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app scans (as a QR code) at enrolment. */
export function totpUri(secret: string, username: string): string {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    secret: Secret.fromBase32(secret),
    period: PERIOD_S,
  }).toString();
}

/**
 * The time step of a valid code (this one, or one step either side for clocks that drift), if it
 * is later than `lastStep` (a code is accepted once); otherwise undefined.
 */
export function acceptedStep(
  secret: string,
  code: string,
  lastStep: number,
  now: number,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    period: PERIOD_S,
    timestamp: now,
    window: 1,
  });
  if (delta === null) return undefined;
  const step = TOTP.counter({ period: PERIOD_S, timestamp: now }) + delta;
  return step > lastStep ? step : undefined;
}

/** The code of a secret at a time: for the tests, which act as the authenticator app. */
export function totpCode(secret: string, now = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), period: PERIOD_S, timestamp: now });
}
