import { deviceWorkflowId } from '../workflows/device/messages';
import { quote } from './list-file';

/**
 * What each field of a device list may hold. Every field is bounded: a value that passes here must also
 * pass everywhere Ferry sends it later (a Temporal workflow id, a visibility query, a Workspace ONE
 * call, a CSV report, a terminal), so a bad row is refused by `ferry validate` and `ferry start` with
 * its line and field instead of stalling the rollout halfway. Each check returns the problem in words,
 * or undefined when the value is fine.
 */

/**
 * Serial numbers: letters, digits and inner hyphens, 4 to 64 characters.
 * - Apple: 11 or 12 alphanumerics until 2021, then randomized alphanumerics of 8 to 14 characters
 *   (10 at first; Apple's memo as reported by MacRumors, 2021-05-05, "purple iPhone 12 randomized
 *   serial number").
 * - Android: `Build.getSerial()` is "alphanumeric only, case-insensitive" (Android API reference for
 *   android.os.Build.SERIAL); OEM serials run from about 8 (Google) to 11 (Samsung) to 14-16 (Zebra,
 *   Honeywell) characters, and Android Management reports a personally-owned Android 12+ device's
 *   enterprise-specific id in its place.
 * 64 leaves room for ids a source puts where no serial can be read (a UUID, a SHA-256 in hex); 4 refuses
 * placeholders such as "0", "N/A" or "-". Hyphens are the only punctuation: a serial becomes part of a
 * workflow id (`<migration>/<serial>`) and of visibility queries, where '/', quotes or spaces break.
 */
export const SERIAL_MIN = 4;
export const SERIAL_MAX = 64;
const SERIAL = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;

/** The store's rule for migration ids (src/services/device-lists/store.ts): at most 128 ASCII characters. */
export const MIGRATION_ID_MAX = 128;
/** Temporal's default `limit.maxIDLength`, in bytes. */
export const TEMPORAL_MAX_ID_BYTES = 1000;

/**
 * The longest device workflow id a valid list can make (193 bytes: ASCII only), well within Temporal's
 * limit by construction; test/client/device-fields.test.ts holds it there.
 */
export const LONGEST_DEVICE_WORKFLOW_ID_BYTES = Buffer.byteLength(
  deviceWorkflowId('m'.repeat(MIGRATION_ID_MAX), 'S'.repeat(SERIAL_MAX)),
);

/** Names a character a message can show safely: control characters by code point, never raw. */
function charName(char: string): string {
  if (char === ' ') return 'a space';
  const code = char.codePointAt(0)!;
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.test(char)) {
    return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return quote(char);
}

const tooLong = (value: string, max: number, noun: string) =>
  value.length > max ? `is ${value.length} characters long; ${noun} has at most ${max}` : undefined;

export function serialProblem(value: string): string | undefined {
  if (value.length >= SERIAL_MIN && value.length <= SERIAL_MAX && SERIAL.test(value)) return undefined;
  const long = tooLong(value, SERIAL_MAX, 'a serial number');
  if (long) return long;
  const bad = /[^A-Za-z0-9-]/u.exec(value)?.[0];
  if (bad) return `${quote(value)} holds ${charName(bad)}; a serial number is letters, digits and '-'`;
  if (value.length < SERIAL_MIN) {
    return `${quote(value)} is too short for a serial number (at least ${SERIAL_MIN} characters)`;
  }
  if (!SERIAL.test(value)) return `${quote(value)} must start and end with a letter or digit`;
  return undefined;
}

/**
 * UDIDs: Apple's are 40 hex digits (devices before 2018) or 8 and 16 hex digits joined by a hyphen
 * (`00008030-001A2D3E0C12802E`); Workspace ONE gives Android devices 32 hex digits, and some tools
 * print UUIDs (8-4-4-4-12). Liberal within that: hex digits in groups joined by single hyphens,
 * 16 to 64 characters.
 */
const UDID = /^[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*$/;

export function udidProblem(value: string): string | undefined {
  const long = tooLong(value, 64, 'a UDID');
  if (long) return long;
  if (UDID.test(value) && value.length >= 16) return undefined;
  return `${quote(value)} is not a UDID (hex digits, optionally in groups joined by '-', 16 to 64 characters, e.g. 00008030-001A2D3E0C12802E)`;
}

/**
 * The `imei` column: an IMEI of 15 digits (3GPP TS 23.003 §6.2.1: TAC, serial, check digit), 14 when an
 * inventory leaves the check digit out, an IMEISV of 16 digits, or a CDMA device's MEID (3GPP2 S.R0048:
 * 14 hex digits, or 18 decimal digits). Ferry only carries the value along (it matches devices by
 * serial), so the check digit is a warning (imeiCheckDigitWarning), not an error: some inventories hold
 * the network's form, whose last digit is a spare 0.
 */
const IMEI = /^\d{14,16}$/;
const MEID = /^(?:[0-9A-Fa-f]{14}|\d{18})$/;

export function imeiProblem(value: string): string | undefined {
  const long = tooLong(value, 18, 'an IMEI');
  if (long) return long;
  if (IMEI.test(value) || MEID.test(value)) return undefined;
  return `${quote(value)} is not an IMEI (15 digits; 14 without the check digit, 16 for an IMEISV) nor an MEID (14 hex digits or 18 digits)`;
}

/** The Luhn check digit of a 15-digit IMEI (3GPP TS 23.003 Annex B). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export function imeiCheckDigitWarning(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{15}$/.test(value) || luhnValid(value)) return undefined;
  return `${quote(value)} fails the IMEI check digit; is it mistyped?`;
}

/** Free text (model, friendly name, source device id): what a Workspace ONE field and a report hold. */
export const TEXT_MAX = 256;

/**
 * Line breaks and tabs are kept (a quoted CSV cell may hold them, e.g. a two-line friendly name); every
 * other control or format character is refused, as is text that is not valid Unicode (a lone surrogate
 * from a JSON escape). Such characters would reach terminals, reports and the target tenant as is.
 */
const CONTROL = /(?![\t\n\r])[\p{Cc}\p{Cs}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Most text is printable ASCII: checked first, as a 100,000-row list checks it 100,000 times. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

export function textProblem(value: string, noun = 'this field'): string | undefined {
  if (value.length <= TEXT_MAX && PRINTABLE_ASCII.test(value)) return undefined;
  const long = tooLong(value, TEXT_MAX, noun);
  if (long) return long;
  const bad = CONTROL.exec(value)?.[0];
  if (!bad) return undefined;
  return /\p{Cs}/u.test(bad) ? 'is not valid Unicode text' : `holds ${charName(bad)}`;
}
