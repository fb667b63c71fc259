/**
 * The retry policy of one request (src/services/shared/retry.ts) on a virtual clock: which failures are
 * retried, the waits (full jitter, Retry-After), and the bounds on attempts and time.
 */
import {
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  TransientError,
  UnauthorizedError,
} from '../../src/services/shared/errors';
import {
  DEFAULT_RETRY_POLICY,
  delayBeforeRetry,
  isRetryableFailure,
  retryPolicy,
  withRetries,
  type RetryClock,
} from '../../src/services/shared/retry';
import { rejectionOf } from '../helpers/rejection';

const ctx = { service: 'Example', method: 'GET', path: '/v1/things' };
const transient = () => new TransientError(ctx, 'HTTP 503', { status: 503 });

/** A clock whose sleeps only move its time forward, recording each wait; random() is fixed. */
function virtualClock(random = 0.5): RetryClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    random: () => random,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

/** An attempt function failing with `errors` in turn, then resolving 'ok'; counts its calls. */
function script(...errors: Error[]) {
  const calls: number[] = [];
  const attempt = (n: number) => {
    calls.push(n);
    const err = errors[n - 1];
    return err ? Promise.reject(err) : Promise.resolve('ok');
  };
  return { calls, attempt };
}

describe('which failures are retried', () => {
  it('when the failure is 5xx, a reset or timeout, a 429 or an unreadable body, then it is retried', () => {
    expect(isRetryableFailure(transient())).toBe(true);
    expect(isRetryableFailure(new RateLimitedError(ctx, 1_000))).toBe(true);
    expect(isRetryableFailure(new InvalidResponseError(ctx, 'Users.0.Email: expected string'))).toBe(true);
  });

  it('when the failure is a 4xx other than 429, or not a client error, then it is not', () => {
    expect(isRetryableFailure(new InvalidRequestError(ctx, 'HTTP 400', { status: 400 }))).toBe(false);
    expect(isRetryableFailure(new NotFoundError(ctx))).toBe(false);
    expect(isRetryableFailure(new UnauthorizedError(ctx))).toBe(false);
    expect(isRetryableFailure(new Error('a bug'))).toBe(false);
  });
});

describe('the waits', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 10 });

  it('when backing off, then each draw is random() times a ceiling that doubles up to the maximum', () => {
    const draws = [1, 2, 3, 4, 5, 6].map((n) => delayBeforeRetry(policy, n, transient(), () => 0.999999));
    expect(draws).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(delayBeforeRetry(policy, 3, transient(), () => 0)).toBe(0);
    expect(delayBeforeRetry(policy, 3, transient(), () => 0.25)).toBe(100);
  });

  it('when a 429 asks for a wait within the cap, then that wait plus at most one base delay', () => {
    const limited = new RateLimitedError(ctx, 1_000);
    expect(delayBeforeRetry(policy, 1, limited, () => 0)).toBe(1_000);
    expect(delayBeforeRetry(policy, 1, limited, () => 0.5)).toBe(1_050);
  });

  it('when a 429 asks for longer than the cap, then no retry: the caller waits it out instead', () => {
    const limited = new RateLimitedError(ctx, DEFAULT_RETRY_POLICY.maxRetryAfterMs + 1);
    expect(delayBeforeRetry(policy, 1, limited, () => 0.5)).toBeUndefined();
  });

  it('when the last attempt has run, then no retry', () => {
    expect(delayBeforeRetry(policy, 10, transient(), () => 0.5)).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('when the first attempts fail with retryable errors, then it resolves after waiting between them', async () => {
    const clock = virtualClock(0.5);
    const { calls, attempt } = script(transient(), new InvalidResponseError(ctx, 'bad body'));
    const policy = retryPolicy({ baseDelayMs: 200 });
    await expect(withRetries({ policy, attemptTimeoutMs: 1_000, clock }, attempt)).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('when a 429 carries Retry-After, then the wait honours it', async () => {
    const clock = virtualClock(0);
    const { calls, attempt } = script(new RateLimitedError(ctx, 2_000));
    const policy = retryPolicy();
    await expect(withRetries({ policy, attemptTimeoutMs: 1_000, clock }, attempt)).resolves.toBe('ok');
    expect(calls).toEqual([1, 2]);
    expect(clock.sleeps).toEqual([2_000]);
  });

  it('when every attempt fails, then exactly maxAttempts run and the last error surfaces unchanged', async () => {
    const clock = virtualClock();
    const errors = [transient(), transient(), transient(), transient()];
    const { calls, attempt } = script(...errors);
    const policy = retryPolicy({ maxAttempts: 3 });
    const err = await rejectionOf(withRetries({ policy, attemptTimeoutMs: 1_000, clock }, attempt));
    expect(calls).toEqual([1, 2, 3]);
    expect(err).toBe(errors[2]);
  });

  it('when the error is not retryable, then one attempt and that error', async () => {
    const clock = virtualClock();
    const notFound = new NotFoundError(ctx);
    const { calls, attempt } = script(notFound);
    const err = await rejectionOf(
      withRetries({ policy: retryPolicy(), attemptTimeoutMs: 1, clock }, attempt),
    );
    expect(err).toBe(notFound);
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  it('when another attempt could end past maxElapsedMs, then it is not started', async () => {
    // Each attempt hangs to its 4 s timeout; 10 s fit the first two (4 + wait + 4) but not a third.
    const clock = virtualClock(0);
    const calls: number[] = [];
    const hang = (n: number) => {
      calls.push(n);
      clock.t += 4_000;
      return Promise.reject(transient());
    };
    const policy = retryPolicy({ maxAttempts: 10, maxElapsedMs: 10_000 });
    await rejectionOf(withRetries({ policy, attemptTimeoutMs: 4_000, clock }, hang));
    expect(calls).toEqual([1, 2]);
    expect(clock.t).toBeLessThanOrEqual(10_000);
  });

  it('when the default policy meets a server that always fails fast, then it gives up well within a minute', async () => {
    const clock = virtualClock(0.999999);
    const calls: number[] = [];
    const failing = (n: number) => {
      calls.push(n);
      clock.t += 50;
      return Promise.reject(transient());
    };
    await rejectionOf(withRetries({ policy: retryPolicy(), attemptTimeoutMs: 10_000, clock }, failing));
    expect(calls).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(clock.t).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxElapsedMs);
  });

  it('when retrying, then onRetry hears of each wait before it starts', async () => {
    const clock = virtualClock(0);
    const heard: { attempt: number; delayMs: number }[] = [];
    const { attempt } = script(new RateLimitedError(ctx, 1_000), transient());
    const run = {
      policy: retryPolicy(),
      attemptTimeoutMs: 1_000,
      clock,
      onRetry: ({ attempt: n, delayMs }: { attempt: number; delayMs: number }) =>
        heard.push({ attempt: n, delayMs }),
    };
    await withRetries(run, attempt);
    expect(heard).toEqual([
      { attempt: 1, delayMs: 1_000 },
      { attempt: 2, delayMs: 0 },
    ]);
  });
});

describe('retryPolicy', () => {
  it('when overrides are given, then they replace the defaults; a bad value is an error naming it', () => {
    expect(retryPolicy({ maxAttempts: 1 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 1 });
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow('maxAttempts');
    expect(() => retryPolicy({ maxElapsedMs: -1 })).toThrow('maxElapsedMs');
  });
});
