/**
 * Keys under Ferry's prefixes that Ferry does not read. A typo (`WS1_TARGET_PASWORD`,
 * `TEMPORAL_ADRESS`) would otherwise leave a setting at its default without a word: a worker on the
 * embedded dev server instead of the cluster, a tenant without credentials. So an unknown key is an
 * error, naming the closest known key. `TEMPORAL_*` is shared with Temporal's own client tools (the SDKs'
 * environment configuration, the `temporal` CLI, tctl): their keys are left alone, though Ferry reads
 * only the ones it documents (docs/configuration.md).
 */

const PREFIXES = ['FERRY_', 'WS1_', 'ABM_', 'INTUNE_', 'TEMPORAL_'] as const;

/** Read outside loadConfig: by Ferry's tests and tools (test/helpers, test/setup, src/temporal/binaries.ts). */
export const TOOL_KEYS = [
  'FERRY_TEST_TEMPORAL_ADDRESS',
  'FERRY_TEST_NAMESPACE',
  'FERRY_RECORD_HISTORIES',
  'TEMPORAL_TEST_SERVER_PATH',
] as const;

/**
 * Temporal's client tools: the environment configuration every SDK and the CLI read (Go SDK
 * contrib/envconfig `ApplyEnvVars`; docs.temporal.io/references/client-environment-configuration), and
 * the `temporal` CLI's older flag variables (`--tls-cert-path` is TEMPORAL_TLS_CERT, and so on).
 */
const TEMPORAL_TOOL_KEYS = new Set([
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CLIENT_AUTHORITY',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_CODEC_ENDPOINT',
  'TEMPORAL_CODEC_AUTH',
  'TEMPORAL_ENV',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_CERT_DATA',
  'TEMPORAL_TLS_KEY_DATA',
  'TEMPORAL_TLS_CA_DATA',
]);
/** gRPC headers of envconfig (`TEMPORAL_GRPC_META_<header>`) and tctl's `TEMPORAL_CLI_*` settings. */
const TEMPORAL_TOOL_PREFIXES = ['TEMPORAL_GRPC_META_', 'TEMPORAL_CLI_'];

/** Edits (insert, delete, replace one character) between two keys. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(replace, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known key closest to `key`, when close enough to be what was meant: within a third of the part
 * after the prefix, or a known key cut short or run on (`INTUNE_TENANT`, `FERRY_SMTP_HOST_NAME`).
 */
function closest(
  key: string,
  prefix: string,
  known: readonly string[],
): { key: string; distance: number } | undefined {
  const allowed = Math.max(1, Math.floor((key.length - prefix.length) / 3));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const related = candidate.startsWith(`${key}_`) || key.startsWith(`${candidate}_`);
    const distance = Math.min(editDistance(key, candidate), related ? allowed : Infinity);
    if (distance <= allowed && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best;
}

/**
 * One problem per set key under Ferry's prefixes that is neither one of `known` nor a Temporal tool's
 * key; blank values are skipped (blank is unset). A key within two edits of a Ferry key is a typo even
 * where a Temporal tool prefix would let it pass (`TEMPORAL_CLI_PTH`).
 */
export function unknownKeyProblems(
  env: Record<string, string | undefined>,
  known: readonly string[],
): string[] {
  const knownSet = new Set([...known, ...TOOL_KEYS]);
  const ours = [...knownSet];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    const prefix = PREFIXES.find((p) => key.startsWith(p));
    if (!prefix || knownSet.has(key) || !value?.trim()) continue;
    if (prefix === 'TEMPORAL_' && TEMPORAL_TOOL_KEYS.has(key)) continue;
    const near = closest(key, prefix, ours);
    const toolKey = prefix === 'TEMPORAL_' && TEMPORAL_TOOL_PREFIXES.some((p) => key.startsWith(p));
    if (toolKey && !(near && near.distance <= 2)) continue;
    const hint = near ? `did you mean ${near.key}?` : 'see docs/configuration.md for the keys Ferry reads';
    problems.push(`${key}: unknown key; ${hint}`);
  }
  return problems.sort();
}
