/**
 * CORS for the Temporal Web UI, which calls the codec server from the browser, from its own origin
 * (docs.temporal.io/production-deployment/data-encryption, "Codec Server setup": the server must answer
 * the browser's preflight and allow the UI's origin, the `X-Namespace` header the UI sends, and
 * `Authorization` for the token). With "Include cross-origin credentials" on in the UI's codec settings
 * (`codec.includeCredentials` of the UI server, docs.temporal.io/references/web-ui-configuration) the
 * browser sends cookies too, and only reads the answer when it carries `Access-Control-Allow-Credentials:
 * true` and names the origin itself, never `*` (Fetch standard, CORS protocol). Only the origins given
 * are answered: any other page the admin has open must not be able to read decrypted payloads.
 */

export const ALLOWED_METHODS = 'POST';
export const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
/** How long a browser may reuse a preflight answer. */
const MAX_AGE_SECONDS = 600;

/** The headers for a request from `origin`: none unless it is one of `allowed`. */
export function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  // Vary: a cache must not serve one origin's answer to another.
  if (!origin || !allowed.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
}

export function preflightHeaders(origin: string | undefined, allowed: readonly string[]) {
  const headers = corsHeaders(origin, allowed);
  if (!headers['Access-Control-Allow-Origin']) return undefined;
  return {
    ...headers,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': String(MAX_AGE_SECONDS),
  };
}

/** `http://localhost:8233/` and `http://localhost:8233` are one origin; a path is not part of it. */
export function normalizeOrigin(text: string): string {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`not an http(s) origin: ${text}`);
  return url.origin;
}
