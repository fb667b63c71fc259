/**
 * Microsoft identity platform, app-only (shared notes C.1): client credentials with a client secret,
 * form body, scope `https://graph.microsoft.com/.default`. The token is cached until 60 s before
 * `expires_in`; `invalidate()` after a 401 drops it. The secret and the token never reach an error or a log.
 */
import type { HttpClient } from '../shared/http';
import { ClientCredentialsToken } from '../shared/oauth-token';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

interface IntuneAuthOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Entra ID app-only: client id and secret in the form body, Graph's default scope. */
export function intuneToken(
  options: IntuneAuthOptions,
  http: HttpClient,
  now?: () => number,
): ClientCredentialsToken {
  return new ClientCredentialsToken(
    http,
    options.tokenUrl,
    () => ({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
      scope: GRAPH_SCOPE,
    }),
    now,
  );
}
