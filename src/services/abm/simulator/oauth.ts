/**
 * The simulator's token endpoint (`POST /auth/oauth2/token`): client credentials with an ES256 client
 * assertion, parameters in a form body or in the query string (Apple's own curl does the latter).
 * Answers like an OAuth server: 400 `invalid_request` / `unsupported_grant_type` / `invalid_scope`,
 * 401 `invalid_client` when the assertion does not verify, and 400 when too many tokens were asked for
 * (the `tokenRequestLimit` quirk), before anything else is checked.
 */
import crypto, { type KeyObject } from 'node:crypto';
import type { SlidingWindow } from '../../shared/simulator/sliding-window';
import { TOKEN_THROTTLE_ERROR } from './quirks';
import type { SimAbmState } from './state';

export const ASSERTION_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 180 * 24 * 3600;
const CLOCK_SKEW_S = 60;

export interface TokenEndpointConfig {
  clientId: string;
  publicKey: KeyObject;
  tokenTtlSeconds: number;
  /** Token requests over the limit answer 400. */
  throttle?: SlidingWindow;
}

export interface OAuthResponse {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string): OAuthResponse => ({ status, body: { error } });

export function issueToken(
  state: SimAbmState,
  config: TokenEndpointConfig,
  params: URLSearchParams,
): OAuthResponse {
  state.tokenRequests++;
  if (config.throttle?.check(state.now()) !== undefined) return oauthError(400, TOKEN_THROTTLE_ERROR);
  if (params.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
  if (params.get('client_assertion_type') !== ASSERTION_TYPE) return oauthError(400, 'invalid_request');
  const assertion = params.get('client_assertion');
  if (!assertion) return oauthError(400, 'invalid_request');
  if (params.get('scope') !== 'business.api') return oauthError(400, 'invalid_scope');
  if (params.get('client_id') !== config.clientId) return oauthError(401, 'invalid_client');
  if (!verifyAssertion(assertion, config, Math.floor(state.now() / 1000))) {
    return oauthError(401, 'invalid_client');
  }
  const token = state.tokens.issue(config.tokenTtlSeconds);
  return {
    status: 200,
    body: {
      access_token: token,
      token_type: 'Bearer',
      expires_in: config.tokenTtlSeconds,
      scope: 'business.api',
    },
  };
}

/** Signature (raw R‖S over header.payload), alg, iss/sub, aud, iat/exp window. `kid` is optional. */
export function verifyAssertion(jwt: string, config: TokenEndpointConfig, nowS: number): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims || header.alg !== 'ES256') return false;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== 64) return false;
  const signed = crypto.verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    { key: config.publicKey, dsaEncoding: 'ieee-p1363' },
    signature,
  );
  if (!signed) return false;
  const { iss, sub, aud, iat, exp, jti } = claims;
  if (iss !== config.clientId || sub !== config.clientId || aud !== ASSERTION_AUDIENCE) return false;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof jti !== 'string' || jti === '')
    return false;
  return iat <= nowS + CLOCK_SKEW_S && exp > nowS && exp <= iat + MAX_ASSERTION_LIFETIME_S;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
