/**
 * Apple Business Manager authentication (shared notes B.1): an ES256 client-assertion JWT signed with the
 * account's private key, exchanged at the token endpoint (client credentials, form body) for a bearer
 * token. The token is cached until 60 s before `expires_in`; `invalidate()` after a 401 drops both the
 * token and the assertion. The key, the assertion and the token never reach an error or a log.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { InvalidRequestError, UnauthorizedError, type RequestContext } from '../errors';
import { parseBody, type HttpClient } from '../http';
import { tokenResponseSchema } from './schemas';

/** The assertion's audience: note `/v2/`, which the token URL itself does not have. */
export const ABM_ASSERTION_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Lifetime of a minted assertion (Apple allows up to 180 days). */
export const ASSERTION_TTL_SECONDS = 3600;

export interface AssertionInput {
  clientId: string;
  keyId: string;
  privateKey: KeyObject;
  /** Whether the JWT header carries `kid` (Apple requires it; one report says otherwise: UNCONFIRMED). */
  includeKid: boolean;
  nowMs: number;
  ttlSeconds?: number;
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
    exp: iat + (input.ttlSeconds ?? ASSERTION_TTL_SECONDS),
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

export class AbmTokenProvider {
  private assertion?: { value: string; expiresAt: number };
  private cached?: { header: string; refreshAt: number };
  private inFlight?: Promise<string>;

  constructor(
    private readonly options: AbmAuthOptions,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The `Authorization` header for the next API call. */
  authorization(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.header);
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** After a 401: forget the token and the assertion so the next call mints both afresh. */
  invalidate(): void {
    this.cached = undefined;
    this.assertion = undefined;
  }

  private clientAssertion(): string {
    const nowMs = this.now();
    if (this.assertion && nowMs < this.assertion.expiresAt - TOKEN_REFRESH_MARGIN_MS) {
      return this.assertion.value;
    }
    const value = createClientAssertion({ ...this.options, nowMs });
    this.assertion = { value, expiresAt: nowMs + ASSERTION_TTL_SECONDS * 1000 };
    return value;
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: this.clientAssertion(),
      scope: this.options.scope,
    });
    const requestedAt = this.now();
    let data: unknown;
    try {
      const response = await this.http.send({
        method: 'POST',
        path: this.options.tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
      });
      data = response.data;
    } catch (err) {
      // invalid_client / invalid_grant / invalid_scope arrive as 400: a credentials problem for Ferry.
      if (err instanceof InvalidRequestError && err.status === 400) {
        throw new UnauthorizedError(contextOf(err), 'token request rejected (HTTP 400)', { status: 400 });
      }
      throw err;
    }
    const ctx: RequestContext = {
      service: this.http.service,
      method: 'POST',
      path: new URL(this.options.tokenUrl).pathname,
    };
    const token = parseBody(tokenResponseSchema, data, ctx);
    const header = `Bearer ${token.access_token}`;
    const lifetimeMs = token.expires_in * 1000;
    this.cached = {
      header,
      refreshAt: requestedAt + Math.max(lifetimeMs - TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2),
    };
    return header;
  }
}

function contextOf(err: InvalidRequestError): RequestContext {
  return { service: err.service, method: err.method, path: err.path };
}
