/**
 * Fault injection and per-tenant rate limiting. Every fault is a probability drawn from a seeded PRNG,
 * so a run with the same seed and the same requests injects the same faults. Faults apply to `/API/`
 * requests only (never to `/_sim/` or the OAuth token endpoint).
 */
import { Random } from './random';

export interface FaultConfig {
  /** Seed of the fault PRNG; changing faults at runtime keeps the sequence unless a new seed is given. */
  seed: number;
  /** Extra latency on this share of requests, uniformly between minMs and maxMs. */
  latency: { probability: number; minMs: number; maxMs: number };
  /** Share of requests answered 500/502/503 with the error body. */
  serverErrorRate: number;
  /** Share of requests answered 429 with `Retry-After: 1` (throttling bursts beyond the rate limit). */
  rateLimitedRate: number;
  /** Share of requests never answered (the client's timeout fires). */
  hangRate: number;
  /** Share of requests whose socket is destroyed without an answer. */
  resetRate: number;
  /** Share of JSON answers sent with wrong field types (valid JSON, invalid schema). */
  malformedRate: number;
  /** Only requests whose path (after /API) matches this case-insensitive regex; default: all. */
  pathPattern?: string;
  /** Only these tenants; default: all. */
  tenants?: string[];
}

export const NO_FAULTS: FaultConfig = {
  seed: 1,
  latency: { probability: 0, minMs: 0, maxMs: 0 },
  serverErrorRate: 0,
  rateLimitedRate: 0,
  hangRate: 0,
  resetRate: 0,
  malformedRate: 0,
};

export type FaultAction = 'none' | 'reset' | 'hang' | 'server-error' | 'rate-limited';

export interface FaultDecision {
  action: FaultAction;
  latencyMs: number;
  malformed: boolean;
  status: number;
}

export class FaultInjector {
  private config: FaultConfig;
  private random: Random;

  constructor(config: Partial<FaultConfig> = {}) {
    this.config = { ...NO_FAULTS, ...config };
    this.random = new Random(this.config.seed);
  }

  get current(): FaultConfig {
    return this.config;
  }

  /** Replaces the given settings; unspecified ones keep their value. */
  update(patch: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...patch };
    if (patch.seed !== undefined) this.random = new Random(patch.seed);
    return this.config;
  }

  decide(apiPath: string, tenant: string | undefined): FaultDecision {
    const c = this.config;
    const none: FaultDecision = { action: 'none', latencyMs: 0, malformed: false, status: 200 };
    if (c.pathPattern !== undefined && !new RegExp(c.pathPattern, 'i').test(apiPath)) return none;
    if (c.tenants !== undefined && (tenant === undefined || !c.tenants.includes(tenant))) return none;
    const r = this.random;
    const latencyMs = r.chance(c.latency.probability) ? r.int(c.latency.minMs, c.latency.maxMs) : 0;
    let action: FaultAction = 'none';
    if (r.chance(c.resetRate)) action = 'reset';
    else if (r.chance(c.hangRate)) action = 'hang';
    else if (r.chance(c.serverErrorRate)) action = 'server-error';
    // Drawn only when set, so the fault sequence of an existing seed stays as it was.
    else if (c.rateLimitedRate > 0 && r.chance(c.rateLimitedRate)) action = 'rate-limited';
    const status = action === 'server-error' ? r.pick([500, 502, 503]) : 200;
    return { action, latencyMs, malformed: r.chance(c.malformedRate), status };
  }
}

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

/** Same JSON shape, wrong leaf types: strings become numbers, numbers strings, booleans strings. */
export function corrupt(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(corrupt);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, corrupt(v)]));
  }
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}
