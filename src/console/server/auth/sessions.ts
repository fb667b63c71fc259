import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedInIdentity } from './identity';

/**
 * Server-side sessions: the browser holds an opaque random id in a cookie (HttpOnly, SameSite=Lax so
 * that the redirect back from an identity provider carries it, Path=/, Secure where the browser keeps
 * it); the console keeps, by the id's sha256, who signed in and when. A session ends after
 * `idleMs` unused (a page's polling does not count) or `maxMs` after sign-in, at sign-out, or when
 * `refresh` finds the person may no longer sign in (a local account disabled or removed, an OIDC
 * person's groups mapping to no role). Kept in memory: a console restart signs everyone out.
 *
 * The role is worked out again on every request, so that an Owner's change applies at once: a local
 * account's is read from the store; an OIDC identity's comes from the groups the provider gave at
 * sign-in (kept here, never sent to a page) through the group → role mapping as it is now.
 */

/**
 * The session cookie's name where it is Secure: `__Host-` makes the browser refuse it unless it is
 * Secure, Path=/ and without Domain, so that neither a sibling subdomain nor plain http can plant or
 * shadow it.
 */
export const SESSION_COOKIE = '__Host-ferry-console-session';
/** Its name over an http public URL (a loopback lab): a `__Host-` cookie must be Secure. */
export const PLAIN_SESSION_COOKIE = 'ferry-console-session';

export const sessionCookieName = (secure: boolean) => (secure ? SESSION_COOKIE : PLAIN_SESSION_COOKIE);

/** Sent (`1`) by the pages' periodic reads (poll.js): they need a session but do not keep it alive. */
export const POLL_HEADER = 'x-ferry-poll';

export interface SessionOptions {
  idleMs: number;
  maxMs: number;
  /**
   * Whether the cookie says Secure. Chromium (and Firefox) keep a Secure cookie set over plain
   * http://127.0.0.1 or localhost, which they treat as secure contexts (the browser test signs in over
   * http://127.0.0.1 with it); over http to any other name a browser would drop it, so only an http
   * public URL (tests, a lab) turns it off.
   */
  secure: boolean;
  /** The identity as of now, or undefined to end the session (default: unchanged). */
  refresh?: (identity: SignedInIdentity, groups: readonly string[]) => Promise<SignedInIdentity | undefined>;
  now?: () => number;
}

interface Kept {
  identity: SignedInIdentity;
  /** The identity provider's groups at sign-in (none for a local account). */
  groups: readonly string[];
  startedAt: number;
  lastSeenAt: number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

export class Sessions {
  private readonly kept = new Map<string, Kept>();
  private readonly now: () => number;
  readonly cookieName: string;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
    this.cookieName = sessionCookieName(options.secure);
  }

  /** Signs in: a new id every time (a session id known before sign-in is worth nothing after it). */
  start(reply: FastifyReply, identity: SignedInIdentity, groups: readonly string[] = []): void {
    this.forget(reply.request);
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    this.kept.set(digest(id), { identity, groups, startedAt: now, lastSeenAt: now });
    reply.setCookie(this.cookieName, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure,
      maxAge: Math.floor(this.options.maxMs / 1000),
    });
  }

  /** Signs out: the session is gone on the server, and the cookie in the browser. */
  end(request: FastifyRequest, reply: FastifyReply): void {
    this.forget(request);
    reply.clearCookie(this.cookieName, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure,
    });
  }

  /** The signed-in identity of the request's session, or undefined (none, expired, or refused). */
  async identify(request: FastifyRequest): Promise<SignedInIdentity | undefined> {
    const id = request.cookies[this.cookieName];
    if (!id) return undefined;
    const key = digest(id);
    const kept = this.kept.get(key);
    if (!kept) return undefined;
    const now = this.now();
    if (now - kept.lastSeenAt >= this.options.idleMs || now - kept.startedAt >= this.options.maxMs) {
      this.kept.delete(key);
      return undefined;
    }
    const identity = this.options.refresh
      ? await this.options.refresh(kept.identity, kept.groups)
      : kept.identity;
    if (!identity) {
      this.kept.delete(key);
      return undefined;
    }
    kept.identity = identity;
    // A page's own periodic read is not the person using the console: counting it would keep an
    // unattended open tab signed in for the session's whole life.
    if (request.headers[POLL_HEADER] !== '1') kept.lastSeenAt = now;
    this.sweep(now);
    return identity;
  }

  /** Ends every session of a subject (an account disabled, reset or removed). */
  endAll(subject: string): void {
    for (const [key, kept] of this.kept) if (kept.identity.subject === subject) this.kept.delete(key);
  }

  private forget(request: FastifyRequest): void {
    const id = request.cookies[this.cookieName];
    if (id) this.kept.delete(digest(id));
  }

  /** Expired sessions go (at most once a minute), so that memory does not grow with abandoned ones. */
  private lastSweep = 0;
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, kept] of this.kept)
      if (now - kept.lastSeenAt >= this.options.idleMs || now - kept.startedAt >= this.options.maxMs)
        this.kept.delete(key);
  }
}
