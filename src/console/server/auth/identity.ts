/**
 * Who is signed in to the console, and what each role may do. The roles are ordered: an Owner may do
 * all an Admin may, an Admin all a Viewer may. Every route declares the least role it needs; the server
 * checks it on every request (a hidden button is not a control).
 */

export const ROLES = ['viewer', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** A signed-in person, as the routes see them (`request.identity`). Never holds a credential. */
export interface SignedInIdentity {
  /** Stable and unique: `local:<account id>` or `oidc:<issuer>#<sub>`. */
  subject: string;
  /** What people call them: the account's display name, or the IdP's `name` claim. */
  name: string;
  role: Role;
  via: 'local' | 'oidc';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request of a signed-in session; absent only on the public routes. */
    identity?: SignedInIdentity;
  }
}
