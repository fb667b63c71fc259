/**
 * The retry policy of one HTTP request, inside the clients: a fault that a second try fixes (a 5xx, a
 * 429 with a short Retry-After, a reset, a timeout, an unreadable body) costs a second or two here
 * instead of a failed activity and a Temporal retry seconds or minutes later.
 *
 * Only idempotent requests are retried (the caller says which); only the failures retrying can fix
 * (`Transient`, `RateLimited`, `InvalidResponse`); and every request stays within `maxElapsedMs`
 * counting the attempt it would start, so retries alone never reach an activity's start-to-close
 * timeout (1 minute). What is left over surfaces as the last error: the activity's own retry policy,
 * with its read-before-write steps, takes it from there.
 */
import { FailureType } from '../../workflows/failures';
import { isFerryClientError, RateLimitedError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 turns retrying off. */
  maxAttempts: number;
  /** Backoff before the 2nd attempt is drawn from [0, base); it doubles each attempt (full jitter). */
  baseDelayMs: number;
  /** Upper bound of a backoff draw. */
  maxDelayMs: number;
  /** A 429 asking for a longer wait is not waited here: the activity retries after it, holding no slot. */
  maxRetryAfterMs: number;
  /** Time one request may take, attempts, waits and the timeout of the next attempt included. */
  maxElapsedMs: number;
}

/**
 * With 10-second request timeouts, 30 s allows a retry after one hang and keeps a request well under
 * the activity's 1-minute start-to-close; five attempts turn a 1-in-3 fault rate into about 1 in 200.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 5_000,
  maxElapsedMs: 30_000,
};

/** What the policy needs from the outside world; tests pass their own. */
export interface RetryClock {
  sleep(ms: number): Promise<void>;
  /** In [0, 1). */
  random(): number;
  now(): number;
}

export const SYSTEM_CLOCK: RetryClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

/** Returns the policy with `overrides` applied, each value checked (a zero or negative one is a bug). */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`retry policy: ${key} must be >= 0`);
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error('retry policy: maxAttempts must be a whole number >= 1');
  }
  return policy;
}

/** The failures a new attempt of the same request can fix; everything else (4xx, 401, 404) stands. */
export function isRetryableFailure(err: unknown): boolean {
  if (!isFerryClientError(err)) return false;
  return (
    err.type === FailureType.Transient ||
    err.type === FailureType.RateLimited ||
    err.type === FailureType.InvalidResponse
  );
}

/**
 * The wait before attempt `attempt + 1` after `err` (attempts count from 1), or undefined when the
 * error is not retried: the server's Retry-After when it is short enough (plus a little jitter, so the
 * callers it throttled together do not come back together), else a full-jitter exponential draw.
 */
export function delayBeforeRetry(
  policy: RetryPolicy,
  attempt: number,
  err: unknown,
  random: () => number,
): number | undefined {
  if (attempt >= policy.maxAttempts || !isRetryableFailure(err)) return undefined;
  if (err instanceof RateLimitedError) {
    if (err.retryAfterMs > policy.maxRetryAfterMs) return undefined;
    return Math.round(err.retryAfterMs + random() * policy.baseDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

export interface RetryRun {
  policy: RetryPolicy;
  /** The longest one attempt can take (the request timeout): counted before starting another. */
  attemptTimeoutMs: number;
  clock?: RetryClock;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `attempt` (given its 1-based number) until it resolves, fails with an error the policy does not
 * retry, runs out of attempts, or another attempt would not fit in the time left. Rejects with the last
 * error, unchanged.
 */
export async function withRetries<T>(run: RetryRun, attempt: (n: number) => Promise<T>): Promise<T> {
  const clock = run.clock ?? SYSTEM_CLOCK;
  const started = clock.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const delayMs = delayBeforeRetry(run.policy, n, err, clock.random);
      if (delayMs === undefined) throw err;
      const elapsed = clock.now() - started;
      if (elapsed + delayMs + run.attemptTimeoutMs > run.policy.maxElapsedMs) throw err;
      run.onRetry?.({ attempt: n, delayMs, error: err });
      await clock.sleep(delayMs);
    }
  }
}
