import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `npm run simulators [-- options]

Starts the simulated services a Ferry worker and the ferry CLI can be pointed at, in this process, until
Ctrl-C (SIGINT) or SIGTERM: the Workspace ONE source and target tenants, Apple Business Manager and (with
--source intune) Microsoft Intune, seeded with a generated mixed fleet (every path). Writes the device
list and the ABM private key into the state folder and prints the environment the worker and the CLI
need (KEY=value lines, or one JSON object with --json). State lives as long as the process.

  --devices N        fleet size (default 100)
  --source S         the source tenant: ws1 (Workspace ONE, default) or intune
  --faults           every simulator misbehaves as the chaos run wants: 20% 5xx, 10% 429 with
                     Retry-After, 5% hangs, 5% resets, 2% malformed bodies (change them at run time
                     with POST /_sim/faults on each simulator)
  --instant          devices move at once and ABM neither delays its activities nor rate-limits
                     (the benchmark's setting: Ferry and Temporal measured, not simulated users)
  --ade-only         every device an ADE iPhone (the benchmark's parked devices); default a mixed fleet
  --seed N           fleet generator and fault seed (default 1)
  --state-dir DIR    where the device list and the ABM key go (default: a new folder under the
                     system's temporary folder)
  --json             print one JSON object: { env, deviceList, stateDir, admin, ... }
  -h, --help         this text`;

export const SOURCES = ['ws1', 'intune'] as const;
export type SimulatedSource = (typeof SOURCES)[number];

export interface SimulatorsArgs {
  help: false;
  devices: number;
  source: SimulatedSource;
  faults: boolean;
  instant: boolean;
  adeOnly: boolean;
  seed: number;
  stateDir?: string;
  json: boolean;
}

const wholeNumber = (flag: string, min: number) =>
  z.coerce
    .number({ error: `--${flag}: not a number` })
    .int(`--${flag}: not a whole number`)
    .min(min, `--${flag}: at least ${min}`);

const argsSchema = z.object({
  devices: wholeNumber('devices', 1).max(10_000, '--devices: at most 10000'),
  source: z.enum(SOURCES, { error: `--source: one of ${SOURCES.join(', ')}` }),
  faults: z.boolean(),
  instant: z.boolean(),
  'ade-only': z.boolean(),
  seed: wholeNumber('seed', 0),
  'state-dir': z.string().min(1).optional(),
  json: z.boolean(),
});

/** The command line; a bad value throws naming its flag. */
export function parseSimulatorsArgs(argv = process.argv.slice(2)): SimulatorsArgs | { help: true } {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string', default: '100' },
      source: { type: 'string', default: 'ws1' },
      faults: { type: 'boolean', default: false },
      instant: { type: 'boolean', default: false },
      'ade-only': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      'state-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const { 'state-dir': stateDir, 'ade-only': adeOnly, ...rest } = parsed.data;
  return { help: false, ...rest, adeOnly, stateDir };
}
