/**
 * Why an OpenID Connect sign-in did not end in a session, in words a person can act on. The message
 * never holds a token, a code, a claim's value or the provider's own error text (it may echo a
 * parameter); the console's log gets the kind of failure and the provider's error code only.
 */

export const OIDC_FAILURES = {
  /** No sign-in under way for this browser: too slow, started elsewhere, or the callback replayed. */
  expired: 400,
  /** The identity provider answered the sign-in with an error (the person cancelled, no access). */
  idp_refused: 403,
  /** The provider could not be reached (discovery, token endpoint). */
  idp_unreachable: 502,
  /** An answer that fails a check: state, nonce, PKCE, issuer, audience, signature, expiry. */
  invalid_response: 502,
  /** Signed in at the provider, but no group of theirs maps to a role. */
  no_role: 403,
  /** The provider left the groups out (too many) and Ferry cannot read them. */
  groups_overage: 403,
} as const;

export type OidcFailure = keyof typeof OIDC_FAILURES;

export class OidcSignInError extends Error {
  readonly status: number;
  constructor(
    readonly failure: OidcFailure,
    message: string,
    /** The provider's OAuth error code (`access_denied`, `invalid_grant`), for the log and the page. */
    readonly providerError?: string,
  ) {
    super(message);
    this.status = OIDC_FAILURES[failure];
  }
}
