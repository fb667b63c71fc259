/** Keys under Ferry's prefixes (src/config/known-keys.ts) that the run's children must not inherit. */
const FERRY_PREFIXES = ['FERRY_', 'WS1_', 'ABM_', 'INTUNE_', 'TEMPORAL_'];
/** Kept: where the temporal CLI is (the dev server), nothing the worker or CLI would act on. */
const INHERITED = new Set(['TEMPORAL_CLI_PATH']);

/**
 * The environment the worker and the CLI run with: this process's own without any of Ferry's keys
 * (a developer's WS1_* must not point the run at a real tenant), then the simulators' and the run's.
 */
export function childEnvironment(ferry: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (INHERITED.has(key) || !FERRY_PREFIXES.some((p) => key.startsWith(p))) env[key] = value;
  }
  return { ...env, ...ferry };
}
