/**
 * Microsoft identity platform, app-only (shared notes C.1): client credentials with a client secret,
 * form body, scope `https://graph.microsoft.com/.default`. The token is cached until 60 s before
 * `expires_in`; `invalidate()` after a 401 drops it. The secret and the token never reach an error or a log.
 */
import { InvalidRequestError, UnauthorizedError, type RequestContext } from '../errors';
import { parseBody, type HttpClient } from '../http';
import { tokenResponseSchema } from './schemas';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export interface IntuneAuthOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export class IntuneTokenProvider {
  private cached?: { header: string; refreshAt: number };
  private inFlight?: Promise<string>;

  constructor(
    private readonly options: IntuneAuthOptions,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The `Authorization` header for the next Graph call (one token request at a time). */
  authorization(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.header);
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** After a 401 from Graph: forget the token so the next call mints a new one. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      scope: GRAPH_SCOPE,
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
      // Entra ID answers a bad secret with 401 invalid_client, and an unknown tenant, client or scope
      // with 400: both are a credentials problem for Ferry.
      if (err instanceof InvalidRequestError && err.status === 400) {
        const ctx: RequestContext = { service: err.service, method: err.method, path: err.path };
        throw new UnauthorizedError(ctx, 'token request rejected (HTTP 400)', {
          status: 400,
          code: err.remoteCode,
        });
      }
      throw err;
    }
    const ctx: RequestContext = {
      service: this.http.service,
      method: 'POST',
      path: new URL(this.options.tokenUrl).pathname,
    };
    const token = parseBody(tokenResponseSchema, data, ctx);
    const lifetimeMs = token.expires_in * 1000;
    const header = `Bearer ${token.access_token}`;
    this.cached = {
      header,
      refreshAt: requestedAt + Math.max(lifetimeMs - TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2),
    };
    return header;
  }
}
