import { randomBytes } from 'node:crypto';

/**
 * Sign-ins under way: between the redirect to the identity provider and its answer, what the callback
 * must check (state, nonce) and send (the PKCE verifier, the same redirect URI). Kept in the console's
 * memory under a random id that only the browser that started the sign-in holds (a cookie), taken once,
 * forgotten after ten minutes; a console restart forgets them (the person starts again).
 */

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** The console page to land on once signed in (a path on the console). */
  returnTo: string;
}

export const PENDING_SIGN_IN_TTL_MS = 10 * 60_000;
/** A bound on memory, should something start sign-ins in a loop: the oldest are dropped first. */
const MAX_PENDING = 1_000;

export class PendingSignIns {
  private readonly pending = new Map<string, PendingSignIn & { expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps a sign-in; answers the id the browser holds. */
  put(signIn: PendingSignIn): string {
    this.sweep();
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.pending.set(id, { ...signIn, expiresAt: this.now() + PENDING_SIGN_IN_TTL_MS });
    return id;
  }

  /** The sign-in under `id`, once: a second callback with the same id finds nothing. */
  take(id: string | undefined): PendingSignIn | undefined {
    if (!id) return undefined;
    const found = this.pending.get(id);
    this.pending.delete(id);
    if (!found || found.expiresAt <= this.now()) return undefined;
    const { expiresAt: _expiresAt, ...signIn } = found;
    return signIn;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, signIn] of this.pending) if (signIn.expiresAt <= now) this.pending.delete(id);
  }
}
