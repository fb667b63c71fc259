/**
 * Workspace ONE authentication: HTTP Basic, or OAuth 2.0 client credentials (form body) with the access
 * token cached until 60 s before it expires. The `aw-tenant-code` header is added by the client in both
 * cases. Secrets and tokens are never logged nor put in an error.
 */
import type { HttpClient } from '../shared/http';
import { ClientCredentialsToken } from '../shared/oauth-token';

export type WorkspaceOneAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string };

export interface AuthProvider {
  /** The `Authorization` header value for the next request. */
  authorization(): Promise<string>;
  /** Drops a cached token after a 401. True when asking again with a fresh token can help. */
  invalidate(): boolean;
}

export function createAuthProvider(
  auth: WorkspaceOneAuth,
  http: HttpClient,
  now: () => number = Date.now,
): AuthProvider {
  if (auth.kind === 'basic') {
    const header = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    return { authorization: () => Promise.resolve(header), invalidate: () => false };
  }
  return oauthProvider(auth, http, now);
}

/** Workspace ONE's OAuth: client id and secret in the form body (shared notes A.2). */
function oauthProvider(
  auth: Extract<WorkspaceOneAuth, { kind: 'oauth' }>,
  http: HttpClient,
  now: () => number,
): AuthProvider {
  const token = new ClientCredentialsToken(
    http,
    auth.tokenUrl,
    () => ({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret }),
    now,
  );
  return {
    authorization: () => token.authorization(),
    invalidate: () => {
      token.invalidate();
      return true;
    },
  };
}
