import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './children';

/** Keys under Ferry's prefixes (src/config/known-keys.ts) that the run's children must not inherit. */
const FERRY_PREFIXES = ['FERRY_', 'WS1_', 'ABM_', 'INTUNE_', 'TEMPORAL_'];
/** Kept: where the temporal CLI is (the dev server), nothing the worker or CLI would act on. */
const INHERITED = new Set(['TEMPORAL_CLI_PATH']);

/**
 * The payload codec (FERRY_PAYLOAD_KEYS, src/config/payload-keys.ts): without it every user email sits
 * in clear in the histories. Checked so the run still works on a tree without the codec (where an
 * unknown FERRY_ key is a configuration error), and then says encryption was off.
 */
export function payloadCodecAvailable(): boolean {
  return existsSync(path.join(ROOT, 'src', 'config', 'payload-keys.ts'));
}

/** A fresh payload key line for this run (`ferry codec-key`'s format: KEYID:BASE64KEY, AES-256). */
export function newPayloadKey(): { line: string; key: string } {
  const key = randomBytes(32).toString('base64');
  return { line: `chaos1:${key}`, key };
}

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
