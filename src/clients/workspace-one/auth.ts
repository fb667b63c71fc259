/**
 * Workspace ONE authentication: HTTP Basic, or OAuth 2.0 client credentials (form body) with the access
 * token cached until 60 s before it expires. The `aw-tenant-code` header is added by the client in both
 * cases. Secrets and tokens are never logged nor put in an error.
 */
import { InvalidRequestError, UnauthorizedError, type RequestContext } from '../errors';
import { parseBody, type HttpClient } from '../http';
import { oauthTokenSchema } from './schemas';

export type WorkspaceOneAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string };

/** A token is refreshed this long before its stated expiry. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

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
  return new OAuthTokenCache(auth, http, now);
}

class OAuthTokenCache implements AuthProvider {
  private cached?: { header: string; refreshAt: number };
  private inFlight?: Promise<string>;

  constructor(
    private readonly auth: Extract<WorkspaceOneAuth, { kind: 'oauth' }>,
    private readonly http: HttpClient,
    private readonly now: () => number,
  ) {}

  authorization(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.header);
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(): boolean {
    this.cached = undefined;
    return true;
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.auth.clientId,
      client_secret: this.auth.clientSecret,
    });
    const requestedAt = this.now();
    let data: unknown;
    try {
      const response = await this.http.send({
        method: 'POST',
        path: this.auth.tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
      });
      data = response.data;
    } catch (err) {
      // invalid_client / invalid_grant come back as 400: for Ferry that is a credentials problem.
      if (err instanceof InvalidRequestError && err.status === 400) {
        throw new UnauthorizedError(contextOf(err), 'token request rejected (HTTP 400)', { status: 400 });
      }
      throw err;
    }
    const ctx: RequestContext = {
      service: this.http.service,
      method: 'POST',
      path: new URL(this.auth.tokenUrl).pathname,
    };
    const token = parseBody(oauthTokenSchema, data, ctx);
    const header = `Bearer ${token.access_token}`;
    this.cached = { header, refreshAt: requestedAt + token.expires_in * 1000 - TOKEN_REFRESH_MARGIN_MS };
    return header;
  }
}

function contextOf(err: InvalidRequestError): RequestContext {
  return { service: err.service, method: err.method, path: err.path };
}
