import { optionalText } from './env-values';

/**
 * The Android staging enrollment every fully managed device's user receives before the wipe: the QR
 * code's text (Android's provisioning extras, as the target's Enrollment Configuration Wizard, Devices >
 * Lifecycle > Staging > Configure Enrollment, writes it) and, optionally, an enrollment token to type
 * instead of scanning. The payload can carry the staging user's password and a Wi-Fi password, and it
 * lets any device enroll into the staging group: a worker setting, read only here, never in a workflow's
 * input or history, and never quoted in a problem or a log line (SPEC §10).
 */
export interface AndroidStagingEnrollment {
  qrPayload: string;
  enrollmentToken?: string;
}

export const ANDROID_STAGING_ENV = {
  qrPayload: 'FERRY_ANDROID_STAGING_QR_PAYLOAD',
  enrollmentToken: 'FERRY_ANDROID_STAGING_ENROLLMENT_TOKEN',
} as const;

export const ANDROID_STAGING_KEYS: readonly string[] = Object.values(ANDROID_STAGING_ENV);

/** Android's provisioning extras (android.app.admin.DevicePolicyManager EXTRA_PROVISIONING_*). */
const EXTRA = 'android.app.extra.PROVISIONING_';
export const PROVISIONING = {
  component: `${EXTRA}DEVICE_ADMIN_COMPONENT_NAME`,
  download: `${EXTRA}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`,
  signatureChecksum: `${EXTRA}DEVICE_ADMIN_SIGNATURE_CHECKSUM`,
  packageChecksum: `${EXTRA}DEVICE_ADMIN_PACKAGE_CHECKSUM`,
  adminExtras: `${EXTRA}ADMIN_EXTRAS_BUNDLE`,
} as const;

/** The error correction the QR code is drawn with (about 15% of it may be unreadable). */
export const QR_ERROR_CORRECTION = 'M';
/** What one QR code holds in byte mode at that level: version 40-M, 2,331 bytes (ISO/IEC 18004). */
export const QR_MAX_BYTES = 2331;

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Problems with a QR payload, naming JSON keys, never values; empty when a device can use it. */
export function stagingPayloadProblems(payload: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return ['is not JSON: paste the QR code text of the staging configuration, on one line'];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return ['must be a JSON object of android.app.extra.PROVISIONING_* keys'];
  }
  const extras = parsed as Record<string, unknown>;
  const problems: string[] = [];
  // Without these the setup wizard cannot download and trust the DPC (Workspace ONE Intelligent Hub).
  for (const key of [PROVISIONING.component, PROVISIONING.download]) {
    if (!isText(extras[key])) problems.push(`lacks ${key}`);
  }
  const download = extras[PROVISIONING.download];
  if (isText(download) && !/^https:\/\/\S+$/.test(download)) {
    problems.push(`${PROVISIONING.download} must be an https URL`);
  }
  if (!isText(extras[PROVISIONING.signatureChecksum]) && !isText(extras[PROVISIONING.packageChecksum])) {
    problems.push(`lacks ${PROVISIONING.signatureChecksum} (or ${PROVISIONING.packageChecksum})`);
  }
  const bundle = extras[PROVISIONING.adminExtras];
  if (bundle !== undefined && (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle))) {
    problems.push(`${PROVISIONING.adminExtras} must be a JSON object`);
  }
  // Measured here rather than by drawing it: the CLI reads this configuration too, without the QR library.
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > QR_MAX_BYTES) {
    problems.push(`is too long for one QR code (${bytes} bytes, at most ${QR_MAX_BYTES})`);
  }
  return problems;
}

/**
 * The staging enrollment from the environment, with every problem by key. `androidStaging` is undefined
 * when the payload is unset (a migration with fully managed devices then fails them before the wipe,
 * and preflight says so) or when there are problems.
 */
export function readAndroidStagingEnv(env: Record<string, string | undefined>): {
  androidStaging?: AndroidStagingEnrollment;
  problems: string[];
} {
  const { qrPayload: payloadKey, enrollmentToken: tokenKey } = ANDROID_STAGING_ENV;
  const qrPayload = optionalText.parse(env[payloadKey]);
  const enrollmentToken = optionalText.parse(env[tokenKey]);
  const problems: string[] = [];
  if (!qrPayload) {
    if (enrollmentToken) problems.push(`${tokenKey}: needs ${payloadKey} (the QR code the user scans)`);
    return { problems };
  }
  problems.push(...stagingPayloadProblems(qrPayload).map((p) => `${payloadKey}: ${p}`));
  if (enrollmentToken && /\s/.test(enrollmentToken)) {
    problems.push(`${tokenKey}: must be one word (the user types it)`);
  }
  return problems.length > 0 ? { problems } : { androidStaging: { qrPayload, enrollmentToken }, problems };
}

/** What preflight may show of a payload: where the Hub comes from and which server and group it enrolls in. */
export function describeStagingPayload(staging: AndroidStagingEnrollment): string {
  const extras = JSON.parse(staging.qrPayload) as Record<string, unknown>;
  const bundle = (extras[PROVISIONING.adminExtras] ?? {}) as Record<string, unknown>;
  const host = (() => {
    try {
      return new URL(String(extras[PROVISIONING.download])).host;
    } catch {
      return 'an unreadable URL';
    }
  })();
  const parts = [`DPC ${String(extras[PROVISIONING.component]).split('/')[0]} from ${host}`];
  if (isText(bundle.serverurl)) parts.push(`server ${bundle.serverurl}`);
  if (isText(bundle.gid)) parts.push(`group ID ${bundle.gid}`);
  parts.push(staging.enrollmentToken ? 'enrollment token declared' : 'no enrollment token (QR code only)');
  return parts.join(', ');
}
