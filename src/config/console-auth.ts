import { isIP } from 'node:net';
import { z } from 'zod';
import { envDuration, optionalText } from './env-values';
import { isLoopbackHost } from './loopback';

/**
 * The console's sign-in settings: sessions' idle and absolute expiry, the lock-out after repeated
 * failures, the sign-in rate limit per client address, how long a set-up or invitation link lives, and
 * the public URL the console is reached at behind a TLS proxy (the only way it may bind a non-loopback
 * address). Read by `ferry console` and `ferry console-owner`; problems name the variable.
 */

const count = (fallback: number) =>
  optionalText.transform((value, ctx): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= 1_000_000) return n;
    ctx.addIssue({ code: 'custom', message: 'must be a whole number from 1 to 1000000' });
    return z.NEVER;
  });

const publicUrl = optionalText.pipe(
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://ferry.example.com' })
    .transform((u) => new URL(u))
    // Over http the session cookie cannot be Secure anywhere but loopback: plain http to a real host
    // name would send it in the clear.
    .refine((u) => u.protocol === 'https:' || isLoopbackHost(u.hostname), {
      error: 'must be https:// (http:// only for a loopback host such as http://127.0.0.1:7380)',
    })
    .transform((u) => u.origin)
    .optional(),
);

/** `10.0.0.5` or `10.0.0.0/8` (IPv4 or IPv6): what fastify's trustProxy (proxy-addr) accepts. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}

/** Comma-separated addresses or CIDR ranges of the proxies whose X-Forwarded-For is believed. */
const trustedProxies = optionalText.transform((value, ctx): string[] => {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const wrong = entries.filter((e) => !isAddressOrRange(e));
  if (wrong.length === 0) return entries;
  ctx.addIssue({
    code: 'custom',
    message: `not an IP address or CIDR range: ${wrong.join(', ')} (e.g. 127.0.0.1,10.0.0.0/8)`,
  });
  return z.NEVER;
});

const consoleAuthEnv = z.object({
  FERRY_CONSOLE_SESSION_IDLE: envDuration('30 min'),
  FERRY_CONSOLE_SESSION_MAX: envDuration('12 h'),
  FERRY_CONSOLE_LOCKOUT_ATTEMPTS: count(5),
  FERRY_CONSOLE_LOCKOUT_DURATION: envDuration('15 min'),
  FERRY_CONSOLE_SIGN_IN_RATE_LIMIT: count(10),
  FERRY_CONSOLE_SET_UP_LINK_TTL: envDuration('24 h'),
  FERRY_CONSOLE_PUBLIC_URL: publicUrl,
  FERRY_CONSOLE_TRUSTED_PROXIES: trustedProxies,
});

export const CONSOLE_AUTH_KEYS: readonly string[] = Object.keys(consoleAuthEnv.shape);

export interface ConsoleAuthSettings {
  /** A session unused this long ends (FERRY_CONSOLE_SESSION_IDLE, 30 min). */
  sessionIdleMs: number;
  /** A session ends this long after sign-in, used or not (FERRY_CONSOLE_SESSION_MAX, 12 h). */
  sessionMaxMs: number;
  /** Wrong passwords or codes within `lockoutMs` that lock an account… */
  lockoutAttempts: number;
  /** …for this long (FERRY_CONSOLE_LOCKOUT_DURATION, 15 min). */
  lockoutMs: number;
  /** Sign-in, set-up and OIDC start requests per minute per client address (FERRY_CONSOLE_SIGN_IN_RATE_LIMIT). */
  signInPerMinute: number;
  /** How long a set-up or invitation link can be used (FERRY_CONSOLE_SET_UP_LINK_TTL, 24 h). */
  setUpLinkMs: number;
  /** `https://ferry.example.com`: the origin people reach the console at (a TLS proxy in front). */
  publicUrl?: string;
  /**
   * The proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client
   * (FERRY_CONSOLE_TRUSTED_PROXIES; none: the header is ignored and the connecting address counts).
   */
  trustedProxies: string[];
}

export const DEFAULT_CONSOLE_AUTH: ConsoleAuthSettings = readConsoleAuthEnv({}).settings!;

export function readConsoleAuthEnv(source: NodeJS.ProcessEnv): {
  settings?: ConsoleAuthSettings;
  problems: string[];
} {
  const parsed = consoleAuthEnv.safeParse(source);
  if (!parsed.success)
    return { problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const env = parsed.data;
  return {
    problems: [],
    settings: {
      sessionIdleMs: env.FERRY_CONSOLE_SESSION_IDLE,
      sessionMaxMs: env.FERRY_CONSOLE_SESSION_MAX,
      lockoutAttempts: env.FERRY_CONSOLE_LOCKOUT_ATTEMPTS,
      lockoutMs: env.FERRY_CONSOLE_LOCKOUT_DURATION,
      signInPerMinute: env.FERRY_CONSOLE_SIGN_IN_RATE_LIMIT,
      setUpLinkMs: env.FERRY_CONSOLE_SET_UP_LINK_TTL,
      trustedProxies: env.FERRY_CONSOLE_TRUSTED_PROXIES,
      ...(env.FERRY_CONSOLE_PUBLIC_URL ? { publicUrl: env.FERRY_CONSOLE_PUBLIC_URL } : {}),
    },
  };
}
