import pino from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log object (a level or two deep): credentials of any
 * service, registration tokens, and the end users' email addresses.
 */
export const REDACTED_KEYS = [
  'password',
  'clientSecret',
  'client_secret',
  'apiKey',
  'authorization',
  'Authorization',
  'aw-tenant-code',
  'tenantCode',
  'accessToken',
  'access_token',
  'token',
  'registrationToken',
  'email',
  'userEmail',
  'user_email',
  'targetEmail',
];

const redactPaths = REDACTED_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`];
});

export type Logger = pino.Logger;

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: pino.DestinationStream,
) {
  return pino(
    {
      name: options.name ?? 'ferry',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    destination,
  );
}
