import type { FaultConfig } from '../services/workspace-one/simulator';

/**
 * The misbehaviour the chaos run asks of every simulator (issue 14): 20% 5xx, 10% 429 with
 * Retry-After, 5% hangs, 5% resets, 2% malformed bodies, drawn from the run's seed.
 */
export function chaosFaults(seed: number): Partial<FaultConfig> {
  return {
    seed,
    serverErrorRate: 0.2,
    rateLimitedRate: 0.1,
    hangRate: 0.05,
    resetRate: 0.05,
    malformedRate: 0.02,
  };
}
