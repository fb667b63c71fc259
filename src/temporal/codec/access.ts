import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who may use the codec server: it decrypts whatever it is sent, so reaching its port must not be enough.
 * The `temporal` CLI sends `--codec-auth` as the `Authorization` header, `Bearer <token>`. A browser
 * page cannot be given a header, so the Web UI proves itself with a cookie instead: the admin signs in
 * once at the codec server's `/login` with the same token, and with "Include cross-origin credentials"
 * on, the UI's requests carry the cookie (the pattern of temporal-sa/codec-cors-credentials). The cookie
 * holds an HMAC under a key of this process, not the token: it is void once the server restarts.
 */

export const SESSION_COOKIE = 'ferry-codec-session';

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export class CodecAccess {
  private readonly sessionKey = randomBytes(32);

  /** `token` undefined: no authentication (the caller has checked that it listens on loopback only). */
  constructor(private readonly token: string | undefined) {}

  get open(): boolean {
    return this.token === undefined;
  }

  tokenMatches(given: string): boolean {
    return this.token !== undefined && sameSecret(given, this.token);
  }

  /** The cookie value for a signed-in browser. */
  sessionValue(): string {
    return createHmac('sha256', this.sessionKey).update('web-ui-session').digest('base64url');
  }

  allows(headers: { authorization?: string; cookie?: string }): boolean {
    if (this.open) return true;
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization?.trim() ?? '');
    if (bearer && this.tokenMatches(bearer[1]!.trim())) return true;
    const session = cookieValue(headers.cookie, SESSION_COOKIE);
    return session !== undefined && sameSecret(session, this.sessionValue());
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
