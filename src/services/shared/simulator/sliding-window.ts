/** A simulated rate limit: at most `limit` requests in any `windowMs` (no limit when undefined). */
export class SlidingWindow {
  private readonly calls: number[] = [];

  constructor(
    private readonly limit: number | undefined,
    private readonly windowMs: number,
  ) {}

  /** Records the request and returns undefined, or returns the wait in ms when over the limit. */
  check(now: number): number | undefined {
    if (this.limit === undefined) return undefined;
    while (this.calls.length > 0 && (this.calls[0] ?? 0) <= now - this.windowMs) this.calls.shift();
    if (this.calls.length >= this.limit) return (this.calls[0] ?? now) + this.windowMs - now;
    this.calls.push(now);
    return undefined;
  }
}

/** The `Retry-After` header (whole seconds, at least 1) for a wait in milliseconds. */
export const retryAfter = (waitMs: number) => ({
  'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
});
