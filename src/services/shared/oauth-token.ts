/**
 * The OAuth 2.0 client-credentials token every Ferry client uses (Workspace ONE, Microsoft Graph, Apple
 * Business Manager): a form-body request to the token URL (retried under the client's retry policy,
 * as it creates nothing a second request would duplicate), the bearer token cached until shortly
 * before `expires_in` (one request at a time), dropped after a 401. A 400 from the token endpoint
 * (invalid_client, invalid_grant, invalid_scope) is a credentials problem: `Unauthorized`. Secrets and
 * tokens never reach an error or a log.
 */
import { z } from 'zod';
import { InvalidRequestError, UnauthorizedError, type RequestContext } from './errors';
import { parseBody, type HttpClient } from './http';

const TOKEN_REFRESH_MARGIN_MS = 60_000;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.coerce.number().positive(),
});

export class ClientCredentialsToken {
  private cached?: { header: string; refreshAt: number };
  private inFlight?: Promise<string>;

  /** `form` is called for every token request (an assertion-based one mints its assertion there). */
  constructor(
    private readonly http: HttpClient,
    private readonly tokenUrl: string,
    private readonly form: () => Record<string, string>,
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

  /** After a 401 from the API: the next call mints a new token. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const requestedAt = this.now();
    const ctx: RequestContext = {
      service: this.http.service,
      method: 'POST',
      path: new URL(this.tokenUrl).pathname,
    };
    // A token request creates nothing a second one would duplicate: it is retried like a read.
    const request = { method: 'POST', path: this.tokenUrl, idempotent: true } as const;
    const token = await this.http.retrying(request, async () => {
      const response = await this.http
        .send({
          ...request,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams(this.form()).toString(),
        })
        .catch((err: unknown) => {
          throw credentialsRejected(err);
        });
      return parseBody(tokenResponseSchema, response.data, ctx);
    });
    const lifetimeMs = token.expires_in * 1000;
    const header = `Bearer ${token.access_token}`;
    // A short-lived token is refreshed at half its life rather than never cached.
    this.cached = {
      header,
      refreshAt: requestedAt + Math.max(lifetimeMs - TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2),
    };
    return header;
  }
}

/** A 400 from a token endpoint is a credentials problem (invalid_client, invalid_grant, invalid_scope). */
function credentialsRejected(err: unknown): unknown {
  if (!(err instanceof InvalidRequestError) || err.status !== 400) return err;
  const ctx: RequestContext = { service: err.service, method: err.method, path: err.path };
  return new UnauthorizedError(ctx, 'token request rejected (HTTP 400)', {
    status: 400,
    code: err.remoteCode,
  });
}

export interface BearerAuth {
  authorization(): Promise<string>;
  /** Drops the cached credential; `false` when a new one cannot help (fixed credentials such as Basic). */
  invalidate(): boolean | void;
}

/**
 * Sends with the current credential; after a 401 it drops the token and sends once more, so an expired
 * or revoked token costs one extra call, and a second 401 stands (`Unauthorized`, not retried).
 */
export async function sendWithFreshTokenOn401<T>(
  auth: BearerAuth,
  send: (authorization: string) => Promise<T>,
): Promise<T> {
  try {
    return await send(await auth.authorization());
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || auth.invalidate() === false) throw err;
    return send(await auth.authorization());
  }
}
