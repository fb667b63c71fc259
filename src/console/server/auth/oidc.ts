import * as client from 'openid-client';
import type { ConsoleRoleWord, OidcConfig } from '../../../config/console-oidc';
import type { GroupRoleMapping } from './group-roles';
import type { Role, SignedInIdentity } from './identity';
import { groupsIn, groupsOverage, oidcIdentity, type Claims } from './oidc-identity';
import { OidcSignInError } from './oidc-errors';
import type { PendingSignIn } from './oidc-pending';

/**
 * OpenID Connect sign-in with openid-client: the authorization code flow with PKCE (S256), state and
 * nonce, the client authenticated with its secret (client_secret_basic, every provider's default). The
 * provider is discovered from its issuer on first use and kept; a failed discovery is tried again at the
 * next sign-in, so the console starts whether or not the provider answers.
 */

// config/console-oidc.ts spells the roles (config may not import the console): they must be ROLES.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const ROLE_WORDS_ARE_ROLES: Same<ConsoleRoleWord, Role> = true;
void ROLE_WORDS_ARE_ROLES;

/** How long a request to the provider may take, in seconds. */
const PROVIDER_TIMEOUT_S = 15;

export class OidcSignIn {
  private discovered?: Promise<client.Configuration>;

  constructor(readonly config: OidcConfig) {}

  /** Where to send the browser, and what its callback must match. */
  async begin(redirectUri: string, returnTo: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.configuration();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      redirectUri,
      returnTo,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: this.config.scopes.join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * The provider's answer (the callback's query) checked and exchanged for an ID token; its claims and
   * the mapping make the identity; the groups come too (the session works the role out again from them
   * when the mapping changes). Throws OidcSignInError, whose message a page may show.
   */
  async finish(
    query: string,
    pending: PendingSignIn,
    mapping: GroupRoleMapping,
  ): Promise<{ identity: SignedInIdentity; groups: string[] }> {
    const configuration = await this.configuration();
    const callback = new URL(pending.redirectUri);
    callback.search = query;
    const tokens = await client
      .authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      .catch((err: unknown) => {
        throw signInErrorOf(err);
      });
    const claims = tokens.claims() as Claims;
    const groups = await this.groupsOf(configuration, claims, tokens.access_token);
    return { identity: oidcIdentity(claims, groups, mapping), groups };
  }

  /**
   * The person's groups: from the ID token, else from userinfo (some providers put only the subject in
   * the ID token). A provider that left them out for their number is refused with that reason.
   */
  private async groupsOf(
    configuration: client.Configuration,
    claims: Claims,
    accessToken: string,
  ): Promise<string[]> {
    const claim = this.config.groupsClaim;
    const inToken = groupsIn(claims, claim);
    if (inToken) return inToken;
    if (groupsOverage(claims, claim)) {
      throw new OidcSignInError(
        'groups_overage',
        'your identity provider sent no groups (you are in too many); ask an Owner to have it send only the groups assigned to Ferry',
      );
    }
    if (!configuration.serverMetadata().userinfo_endpoint) return [];
    const userinfo = await client
      .fetchUserInfo(configuration, accessToken, String(claims.sub))
      .catch((err: unknown) => {
        throw signInErrorOf(err);
      });
    return groupsIn(userinfo as Claims, claim) ?? [];
  }

  private configuration(): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = undefined;
      throw err;
    });
    return this.discovered;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.config;
    const url = new URL(issuer);
    const options: client.DiscoveryRequestOptions = { timeout: PROVIDER_TIMEOUT_S };
    // The config allows http only on loopback (a provider on this machine: tests, trials).
    if (url.protocol === 'http:') options.execute = [client.allowInsecureRequests];
    try {
      return await client.discovery(
        url,
        clientId,
        undefined,
        client.ClientSecretBasic(clientSecret),
        options,
      );
    } catch (err) {
      throw signInErrorOf(err);
    }
  }
}

/**
 * openid-client's failures as a sign-in's: a network failure is the provider unreachable, an error
 * the provider answered is its refusal (its code kept), anything else a response that failed a check.
 * Only the kind and the provider's code go on: causes can hold response bodies, and so tokens.
 */
export function signInErrorOf(err: unknown): OidcSignInError {
  if (err instanceof OidcSignInError) return err;
  if (err instanceof client.AuthorizationResponseError) {
    return new OidcSignInError(
      'idp_refused',
      'the identity provider refused the sign-in',
      safeCode(err.error),
    );
  }
  if (err instanceof client.ResponseBodyError) {
    const failure = err.status >= 500 ? 'idp_unreachable' : 'invalid_response';
    return new OidcSignInError(failure, 'the identity provider refused the sign-in', safeCode(err.error));
  }
  if (networkFailure(err) || (err instanceof client.ClientError && networkFailure(err.cause))) {
    return new OidcSignInError('idp_unreachable', 'the identity provider could not be reached; try again');
  }
  const code = err instanceof client.ClientError ? err.code : undefined;
  return new OidcSignInError('invalid_response', 'the identity provider’s answer failed a check', code);
}

/**
 * fetch's own failures (refused, reset, timed out), told by name: they come from Node's realm, where
 * `instanceof TypeError` fails if the globals differ (as under jest, where openid-client then wraps them).
 */
function networkFailure(err: unknown): boolean {
  const { name, message } = (typeof err === 'object' && err !== null ? err : {}) as Partial<Error>;
  return (
    (name === 'TypeError' && message === 'fetch failed') || name === 'AbortError' || name === 'TimeoutError'
  );
}

/** An OAuth error code is a short word (RFC 6749 §5.2 limits its characters); anything else is dropped. */
function safeCode(code: unknown): string | undefined {
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : undefined;
}
