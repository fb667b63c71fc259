import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SOURCES, type SimulatedSource } from '../src/simulators/args';
import { KILL_POINTS, type KillPoint } from './kill-plan';

export const USAGE = `npm run chaos [-- options]

Migrates a generated mixed fleet (every path, ADE iPhones through the bulk ABM assignment) with ferry
start, against the simulators in a process of their own with faults on (20% 5xx, 10% 429, 5% hangs, 5%
resets, 2% malformed bodies), a worker process SIGKILLed and restarted at random moments and the
Temporal dev server SIGKILLed and restarted on its SQLite file. Then checks every device's status, the
simulators' ledgers (tokens, retire/wipe commands, ABM assignments) and scans every workflow history,
the worker's log and the CLI's output for secrets and user emails. Exit 0 only if everything holds.

  --devices N        fleet size (default 100)
  --source S         ws1 (default) or intune: the source tenant
  --seed N           fleet, fault and kill-moment seed (default 1)
  --worker-kills K   SIGKILLs of the worker (default 3)
  --server-kills K   SIGKILLs of the dev server (default 1)
  --kills-at P       random (default): each kill at a point of the migration's progress drawn from
                     the seed; last-device: every kill once all devices but one have closed
  --together         each server kill takes a worker kill with it (the machine both run on going
                     down): their stalls overlap (the short run in npm test uses it)
  --standby-worker   a second worker process on the same task queue, never killed; a killed worker
                     is then not restarted: the standby finishes what it was doing
  --store-url URL    FERRY_STORE_URL for the workers and the CLI (the PostgreSQL migration store;
                     default the files in the run's state folder)
  --timeout SEC      give up after this many seconds (default 1800)
  --plain            no FERRY_PAYLOAD_KEYS for the worker and the CLI: shows what the history scan
                     finds without payload encryption (the run then fails)
  --keep             keep the run's state folder (kept anyway when the run fails)
  --json             progress on stderr; the last stdout line is one JSON object
  -h, --help         this text`;

/** A bad command line: one line naming the option, no stack. */
export class ChaosUsageError extends Error {
  readonly type = 'ChaosUsageError';
}

export interface ChaosArgs {
  help: false;
  devices: number;
  source: SimulatedSource;
  seed: number;
  workerKills: number;
  serverKills: number;
  together: boolean;
  killsAt: KillPoint;
  standbyWorker: boolean;
  storeUrl?: string;
  timeoutSeconds: number;
  keep: boolean;
  plain: boolean;
  json: boolean;
}

const count = (flag: string, min: number, max: number) =>
  z.coerce
    .number({ error: `--${flag}: not a number` })
    .int(`--${flag}: not a whole number`)
    .min(min, `--${flag}: at least ${min}`)
    .max(max, `--${flag}: at most ${max}`);

const argsSchema = z.object({
  devices: count('devices', 1, 1000),
  source: z.enum(SOURCES, { error: `--source: one of ${SOURCES.join(', ')}` }),
  seed: count('seed', 0, 2 ** 31),
  'worker-kills': count('worker-kills', 0, 50),
  'server-kills': count('server-kills', 0, 10),
  together: z.boolean(),
  'kills-at': z.enum(KILL_POINTS, { error: `--kills-at: one of ${KILL_POINTS.join(', ')}` }),
  'standby-worker': z.boolean(),
  'store-url': z
    .url({ protocol: /^postgres(ql)?$/, error: '--store-url: a postgres:// or postgresql:// URL' })
    .optional(),
  timeout: count('timeout', 30, 86_400),
  keep: z.boolean(),
  plain: z.boolean(),
  json: z.boolean(),
});

function parseArgsOrThrow<T extends Parameters<typeof parseArgs>[0]>(config: T) {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new ChaosUsageError((err as Error).message);
  }
}

export function parseChaosArgs(argv = process.argv.slice(2)): ChaosArgs | { help: true } {
  const { values } = parseArgsOrThrow({
    args: argv,
    options: {
      devices: { type: 'string', default: '100' },
      source: { type: 'string', default: 'ws1' },
      seed: { type: 'string', default: '1' },
      'worker-kills': { type: 'string', default: '3' },
      'server-kills': { type: 'string', default: '1' },
      together: { type: 'boolean', default: false },
      'kills-at': { type: 'string', default: 'random' },
      'standby-worker': { type: 'boolean', default: false },
      'store-url': { type: 'string' },
      timeout: { type: 'string', default: '1800' },
      keep: { type: 'boolean', default: false },
      plain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new ChaosUsageError(parsed.error.issues.map((i) => i.message).join('; '));
  const v = parsed.data;
  return {
    help: false,
    devices: v.devices,
    source: v.source,
    seed: v.seed,
    workerKills: v['worker-kills'],
    serverKills: v['server-kills'],
    together: v.together,
    killsAt: v['kills-at'],
    standbyWorker: v['standby-worker'],
    storeUrl: v['store-url'],
    timeoutSeconds: v.timeout,
    keep: v.keep,
    plain: v.plain,
    json: v.json,
  };
}
