import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `npm run bench [-- options]

Measures Ferry against its own engine on this machine: a fresh in-memory Temporal dev server, the
simulators in their own process (devices move at once, no faults), Ferry's worker as a process. Three
phases over the same number of devices: a baseline of bare workflows of a happy-path device's shape
(no-op activities, on a worker of their own), Ferry's device workflow started directly, and the fleet
through \`ferry start\` + \`ferry approve-abm\`. Progress on stderr.

  --devices N    devices per phase (default 1000, at most 5000)
  --parked N     instead: N ADE devices parked on the ABM confirmation (at most 10000): worker and
                 server memory, then every device confirmed and the time to its next status
  --waiting N    instead: enrollment detection with N devices waiting to enroll (at most 10000): the
                 real activity, client and simulator in this process, every device checking once per
                 interval (5 s here); the target's reads per interval
  --compiled-worker  run Ferry's worker as production does (node dist/worker.js; npm run build
                 first) instead of through ts-node
  --profile-worker DIR  with --compiled-worker: a V8 CPU profile of Ferry's worker, written into DIR
                 when the run ends (node --cpu-prof)
  --worker-env K=V  a FERRY_ setting for Ferry's worker (repeatable), e.g.
                 FERRY_MAX_CACHED_WORKFLOWS=2000: how worker options were compared
  --seed N       the simulated fleet's seed (default 11)
  --json         the last stdout line is one JSON object of the figures
  -h, --help     this text`;

export interface BenchArgs {
  help: false;
  devices: number;
  parked?: number;
  waiting?: number;
  workerEnv: Record<string, string>;
  compiledWorker: boolean;
  profileWorker?: string;
  seed: number;
  json: boolean;
}

const count = (flag: string, max: number) =>
  z.coerce
    .number({ error: `--${flag}: not a number` })
    .int(`--${flag}: not a whole number`)
    .min(1, `--${flag}: at least 1`)
    .max(max, `--${flag}: at most ${max}`);

const schema = z.object({
  devices: count('devices', 5_000),
  parked: count('parked', 10_000).optional(),
  waiting: count('waiting', 10_000).optional(),
  seed: z.coerce.number().int().min(0),
  'worker-env': z
    .array(z.string().regex(/^FERRY_[A-Z0-9_]+=.*$/, '--worker-env: KEY=VALUE with a FERRY_ key'))
    .transform((pairs) =>
      Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])),
    ),
  json: z.boolean(),
  'compiled-worker': z.boolean(),
  'profile-worker': z.string().min(1).optional(),
});

export function parseBenchArgs(argv = process.argv.slice(2)): BenchArgs | { help: true } {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string', default: '1000' },
      parked: { type: 'string' },
      waiting: { type: 'string' },
      'worker-env': { type: 'string', multiple: true, default: [] },
      'compiled-worker': { type: 'boolean', default: false },
      'profile-worker': { type: 'string' },
      seed: { type: 'string', default: '11' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const {
    'worker-env': workerEnv,
    'compiled-worker': compiledWorker,
    'profile-worker': profileWorker,
    ...rest
  } = parsed.data;
  if (profileWorker !== undefined && !compiledWorker) {
    throw new Error('--profile-worker: needs --compiled-worker (node runs the worker itself)');
  }
  return { help: false, ...rest, workerEnv, compiledWorker, profileWorker };
}
