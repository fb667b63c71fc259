/**
 * OAuth 2.0 client credentials token endpoint (`POST /connect/token`, also `/oauth/token`): a form body
 * with grant_type, client_id and client_secret (or the client pair as HTTP Basic). Answers
 * `{access_token, token_type, expires_in}`; errors use the OAuth error body, not Workspace ONE's.
 */
import type { SimResponse } from '../router';
import type { SimStore } from '../store';

export function issueOAuthToken(
  store: SimStore,
  body: unknown,
  authorization: string | undefined,
): SimResponse {
  const form = (body ?? {}) as Record<string, unknown>;
  let clientId = typeof form.client_id === 'string' ? form.client_id : undefined;
  let clientSecret = typeof form.client_secret === 'string' ? form.client_secret : undefined;
  if (authorization?.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
    clientId ??= id;
    clientSecret ??= secret;
  }
  if (form.grant_type !== 'client_credentials') {
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }
  const tenant = [...store.tenants.values()].find((t) =>
    t.oauthClients.some((c) => c.clientId === clientId && c.clientSecret === clientSecret),
  );
  if (!tenant) return { status: 401, body: { error: 'invalid_client' } };
  const ttlSeconds = store.options.oauthTokenTtlSeconds;
  const accessToken = `sim.${store.random.string(40, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  store.oauthTokens.set(accessToken, { tenant: tenant.code, expiresAt: store.now() + ttlSeconds * 1000 });
  store.oauthTokensIssued++;
  return {
    status: 200,
    body: { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, scope: 'api' },
  };
}
