import { parseArgs } from 'node:util';
import { readDeviceList } from '../client/device-list';
import { formatIssue } from '../client/list-file';
import { readTargetUsers } from '../client/target-users';
import type { FaultConfig } from '../services/workspace-one/simulator';
import { MAX_CONCURRENCY } from '../workflows/fleet/messages';
import type { SimulatedFleet } from './world';
import { DEFAULT_CONSOLE_PORT } from '../console/server/serve';

export const USAGE = `npm run demo [-- options]

Migrates a generated, mixed fleet from a simulated source Workspace ONE tenant to a simulated target,
on Temporal's embedded dev server (or TEMPORAL_ADDRESS), acting as the admin where one is needed
(or, with --admin none, showing what would wait for one).

  --devices N       fleet size (default 100)
  --seed N          fleet generator seed (default 1)
  --concurrency N   devices migrating at once (default 200)
  --fleet FILE      rehearse with a real inventory export (a device list: CSV or JSON, see ferry validate)
  --target-users FILE  the target's users for the rehearsal (CSV/JSON with email; default: every device's user)
  --abm MODE        how ADE iPhones reach the target in Apple Business Manager (simulated):
                      auto      Ferry assigns them in bulk after one admin approval (default)
                      deadline  the iOS 26 migration: assigned with a deadline, they move without erase
                      confirm   the admin confirms each device's reassignment by hand
  --admin MODE      who acts where a device needs an admin:
                      auto      the demo does: approves or confirms ABM, creates missing users and
                                retries their devices (default)
                      none      nobody: a rehearsal of an unattended migration; it stops once no device
                                can move without an admin, reports what would need one, and exits 0
                                when that is what the scenario expects (missing users fail, ADE iPhones
                                wait for ABM, every other device re-enrolls)
  --faults SPEC     simulator faults, e.g. 5xx=0.2,429=0.1,hang=0.05,reset=0.05,malformed=0.02,latency=0.3
  --timeout SEC     after this many seconds cancel what still runs and exit 1 (default 600)
  --json            print one JSON summary object as the last line (before the console's lines)
  --console         after the run, keep the admin console (http://127.0.0.1:7380), the worker, the
                    simulators and Temporal's dev server with its Web UI up until Ctrl-C
  --console-port N  the console's port (default 7380)
  -h, --help        this text`;

/** `5xx=0.2,hang=0.05` -> the simulator's fault settings; an unknown key is an error naming it. */
export function parseFaults(spec: string | undefined): Partial<FaultConfig> {
  const faults: Partial<FaultConfig> = {};
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [key, raw] = part.split('=');
    const p = Number(raw);
    if (!(p >= 0 && p <= 1))
      throw new Error(`--faults ${key}: "${raw}" is not a probability between 0 and 1`);
    if (key === '5xx') faults.serverErrorRate = p;
    else if (key === '429') faults.rateLimitedRate = p;
    else if (key === 'hang') faults.hangRate = p;
    else if (key === 'reset') faults.resetRate = p;
    else if (key === 'malformed') faults.malformedRate = p;
    else if (key === 'latency') faults.latency = { probability: p, minMs: 50, maxMs: 400 };
    else throw new Error(`--faults: unknown fault "${key}" (5xx, 429, hang, reset, malformed, latency)`);
  }
  return faults;
}

const ABM_MODES = ['auto', 'deadline', 'confirm'] as const;
export type AbmMode = (typeof ABM_MODES)[number];

const ADMIN_MODES = ['auto', 'none'] as const;
export type AdminMode = (typeof ADMIN_MODES)[number];

function oneOf<T extends string>(flag: string, modes: readonly T[], value: string): T {
  if ((modes as readonly string[]).includes(value)) return value as T;
  throw new Error(`--${flag}: "${value}" is not one of ${modes.join(', ')}`);
}

function wholeNumber(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const what =
      max !== Number.MAX_SAFE_INTEGER
        ? `a whole number from ${min} to ${max}`
        : min === 1
          ? 'a positive whole number'
          : `a whole number of at least ${min}`;
    throw new Error(`--${flag}: "${value}" is not ${what}`);
  }
  return n;
}

export interface DemoArgs {
  help: false;
  devices: number;
  concurrency: number;
  seed: number;
  timeoutSeconds: number;
  faults: Partial<FaultConfig>;
  abm: AbmMode;
  admin: AdminMode;
  fleetFile?: string;
  usersFile?: string;
  json: boolean;
  console: boolean;
  consolePort: number;
}

/** The command line, each value checked in turn; an unknown flag or a bad value throws naming it. */
export function parseDemoArgs(): DemoArgs | { help: true } {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string' },
      abm: { type: 'string', default: 'auto' },
      admin: { type: 'string', default: 'auto' },
      fleet: { type: 'string' },
      'target-users': { type: 'string' },
      timeout: { type: 'string', default: '600' },
      json: { type: 'boolean', default: false },
      console: { type: 'boolean', default: false },
      'console-port': { type: 'string', default: String(DEFAULT_CONSOLE_PORT) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  return {
    help: false,
    devices: wholeNumber('devices', values.devices, 1),
    concurrency: wholeNumber('concurrency', values.concurrency, 1, MAX_CONCURRENCY),
    seed: wholeNumber('seed', values.seed, 0),
    timeoutSeconds: wholeNumber('timeout', values.timeout, 1),
    faults: parseFaults(values.faults),
    abm: oneOf('abm', ABM_MODES, values.abm),
    admin: oneOf('admin', ADMIN_MODES, values.admin),
    fleetFile: values.fleet,
    usersFile: values['target-users'],
    json: values.json,
    console: values.console,
    consolePort: wholeNumber('console-port', values['console-port'], 0, 65_535),
  };
}

/** The demo's fleet: generated (some users missing on purpose), or a real inventory to rehearse with. */
export async function demoFleet(args: DemoArgs): Promise<SimulatedFleet> {
  const { fleetFile, usersFile } = args;
  if (!fleetFile) {
    if (usersFile) throw new Error('--target-users goes with --fleet');
    return { devices: args.devices, seed: args.seed, missingTargetUserShare: 0.1 };
  }
  const list = await readDeviceList(fleetFile);
  const users = usersFile ? await readTargetUsers(usersFile) : undefined;
  const errors = [
    ...list.errors.map((i) => formatIssue(i, fleetFile)),
    ...(users?.errors ?? []).map((i) => formatIssue(i, usersFile)),
  ];
  if (errors.length > 0) throw new Error(`the rehearsal files have errors:\n  ${errors.join('\n  ')}`);
  return { devices: list.devices, targetUsers: users?.users };
}
