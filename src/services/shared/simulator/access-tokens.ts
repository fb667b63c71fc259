import crypto from 'node:crypto';

/** Bearer tokens a simulator issued from its token endpoint, valid until their expiry on its clock. */
export class SimAccessTokens {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  issue(ttlSeconds: number): string {
    const token = crypto.randomBytes(24).toString('base64url');
    this.expiries.set(token, this.now() + ttlSeconds * 1000);
    return token;
  }

  valid(token: string): boolean {
    const expiresAt = this.expiries.get(token);
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  /** Whether an `Authorization` header carries one of these tokens, still valid. */
  authorizes(authorization: string | undefined): boolean {
    return authorization?.startsWith('Bearer ') === true && this.valid(authorization.slice(7));
  }

  /** Forgets every token: the next API call gets a 401. */
  revokeAll(): void {
    this.expiries.clear();
  }
}
