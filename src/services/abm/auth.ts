/**
 * Apple Business Manager authentication (shared notes B.1): an ES256 client-assertion JWT signed with the
 * account's private key, exchanged at the token endpoint (client credentials, form body) for a bearer
 * token. The token is cached until 60 s before `expires_in`; `invalidate()` after a 401 drops it. Each
 * token request signs a fresh assertion (one an hour at most). The key, the assertion and the token
 * never reach an error or a log.
 *
 * Apple answers too many token requests with a 400 (kaincenteno/pyaxm README; its body is not
 * published), so only a 400 naming a credentials error is `Unauthorized`; any other 400 is
 * `RateLimited`, retried after a minute rather than at once (a quick retry is one more token request).
 */
import crypto, { type KeyObject } from 'node:crypto';
import { InvalidRequestError, RateLimitedError } from '../shared/errors';
import type { HttpClient } from '../shared/http';
import { ClientCredentialsToken } from '../shared/oauth-token';

/** The assertion's audience: note `/v2/`, which the token URL itself does not have. */
const ABM_ASSERTION_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Lifetime of a minted assertion (Apple allows up to 180 days). */
export const ASSERTION_TTL_SECONDS = 3600;

export interface AssertionInput {
  clientId: string;
  keyId: string;
  privateKey: KeyObject;
  /** Whether the JWT header carries `kid` (Apple requires it; one report says otherwise: UNCONFIRMED). */
  includeKid: boolean;
  nowMs: number;
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** Mints an ES256 client assertion; the signature is raw R‖S (JOSE), not DER. */
export function createClientAssertion(input: AssertionInput): string {
  const iat = Math.floor(input.nowMs / 1000);
  const header = input.includeKid ? { alg: 'ES256', kid: input.keyId } : { alg: 'ES256' };
  const claims = {
    sub: input.clientId,
    iss: input.clientId,
    aud: ABM_ASSERTION_AUDIENCE,
    iat,
    exp: iat + ASSERTION_TTL_SECONDS,
    jti: crypto.randomUUID(),
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), {
    key: input.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${b64url(signature)}`;
}

/** Reads a SEC1 or PKCS#8 PEM; the error never quotes the key. */
export function readPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch {
    throw new Error('Apple Business Manager: privateKeyPem is not a readable PEM private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('Apple Business Manager: privateKeyPem must be an EC P-256 key');
  }
  return key;
}

export interface AbmAuthOptions {
  tokenUrl: string;
  clientId: string;
  keyId: string;
  privateKey: KeyObject;
  includeKid: boolean;
  scope: string;
}

/**
 * OAuth errors (RFC 6749 §5.2) that say the key, the client id or the request's settings are wrong:
 * no retry fixes them. `invalid_request` is not among them: it is the generic code, and the one a
 * throttling OAuth server is likeliest to send.
 */
export const TOKEN_CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  'invalid_client',
  'invalid_grant',
  'invalid_scope',
  'unauthorized_client',
  'unsupported_grant_type',
]);

/** How long to wait after a token request refused with a 400 that names no credentials error. */
export const TOKEN_THROTTLE_RETRY_MS = 60_000;

/**
 * The token endpoint's transport: a 400 whose OAuth `error` is not a credentials error becomes
 * `RateLimited` before the shared token code turns every 400 into `Unauthorized`.
 */
function tokenEndpointHttp(http: HttpClient): HttpClient {
  return {
    ...http,
    send: (request) =>
      http.send(request).catch((err: unknown) => {
        if (!(err instanceof InvalidRequestError) || err.status !== 400) throw err;
        if (TOKEN_CREDENTIAL_ERRORS.has(String(err.remoteCode))) throw err;
        const ctx = { service: err.service, method: err.method, path: err.path };
        throw new RateLimitedError(ctx, TOKEN_THROTTLE_RETRY_MS, {
          status: 400,
          code: err.remoteCode,
          cause: new Error(
            'token request refused with HTTP 400 and no credentials error (Apple throttles so)',
          ),
        });
      }),
  };
}

/** Apple's client credentials: a signed assertion instead of a secret. */
export class AbmTokenProvider {
  private readonly token: ClientCredentialsToken;

  constructor(options: AbmAuthOptions, http: HttpClient, now: () => number = Date.now) {
    this.token = new ClientCredentialsToken(
      tokenEndpointHttp(http),
      options.tokenUrl,
      () => ({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: createClientAssertion({ ...options, nowMs: now() }),
        scope: options.scope,
      }),
      now,
    );
  }

  /** The `Authorization` header for the next API call. */
  authorization(): Promise<string> {
    return this.token.authorization();
  }

  /** After a 401: forget the token so the next call requests one with a fresh assertion. */
  invalidate(): void {
    this.token.invalidate();
  }
}
