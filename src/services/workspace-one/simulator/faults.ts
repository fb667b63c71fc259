/**
 * Per-tenant rate limiting, and the fault injection the simulators share (shared/simulator/faults.ts),
 * which the Workspace ONE simulator applies to `/API/` requests only (never to `/_sim/` or the OAuth
 * token endpoint).
 */
export {
  corrupt,
  FaultInjector,
  NO_FAULTS,
  type FaultAction,
  type FaultConfig,
  type FaultDecision,
} from '../../shared/simulator/faults';

/** Sliding-window limiter per tenant. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  /** Counts the request; returns the milliseconds to wait when over the limit, else undefined. */
  check(
    tenant: string,
    limit: { perMinute: number; windowMs?: number } | undefined,
    now: number,
  ): number | undefined {
    if (!limit) return undefined;
    const windowMs = limit.windowMs ?? 60_000;
    const recent = (this.hits.get(tenant) ?? []).filter((t) => t > now - windowMs);
    this.hits.set(tenant, recent);
    if (recent.length >= limit.perMinute) {
      const oldest = recent[0] ?? now;
      return Math.max(1, oldest + windowMs - now);
    }
    recent.push(now);
    return undefined;
  }

  reset(tenant?: string): void {
    if (tenant === undefined) this.hits.clear();
    else this.hits.delete(tenant);
  }
}
