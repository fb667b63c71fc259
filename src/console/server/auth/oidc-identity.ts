import type { SignedInIdentity } from './identity';
import { roleForGroups, type GroupRoleMapping } from './group-roles';
import { OidcSignInError } from './oidc-errors';

/**
 * From what the identity provider says of a person (the ID token's claims, or userinfo's) to who they
 * are in the console: `oidc:<issuer>#<sub>`, their name, and the highest role any of their groups maps
 * to. Groups that map to no role give no session.
 */

export type Claims = Record<string, unknown>;

/** The groups in `claim`: a list of strings (Entra ID, Okta), or one string. */
export function groupsIn(claims: Claims, claim: string): string[] | undefined {
  const value = claims[claim];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return undefined;
}

/**
 * Whether the provider left the groups out for there being too many, pointing elsewhere instead
 * (OpenID Connect's distributed claims, `_claim_names`: Entra ID does so past 200 groups).
 */
export function groupsOverage(claims: Claims, claim: string): boolean {
  const names = claims._claim_names;
  return typeof names === 'object' && names !== null && claim in names;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** What people call them: the name, else the login name, else the email, else the subject. */
function displayName(claims: Claims, sub: string): string {
  const name = text(claims.name) ?? text(claims.preferred_username) ?? text(claims.email) ?? sub;
  return name.slice(0, 200);
}

export function oidcIdentity(
  claims: Claims,
  groups: readonly string[],
  mapping: GroupRoleMapping,
): SignedInIdentity {
  const iss = text(claims.iss);
  const sub = text(claims.sub);
  if (!iss || !sub) throw new OidcSignInError('invalid_response', 'the ID token names no issuer or subject');
  const role = roleForGroups(mapping, groups);
  if (!role) throw new OidcSignInError('no_role', 'no Ferry role for your groups; ask an Owner');
  return { subject: `oidc:${iss}#${sub}`, name: displayName(claims, sub), role, via: 'oidc' };
}
