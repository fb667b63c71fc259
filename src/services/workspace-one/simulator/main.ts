/**
 * Starts the Workspace ONE simulator from the command line (for the demo and rehearsals):
 *
 *   ts-node --transpile-only src/services/workspace-one/simulator/main.ts \
 *     [--port 8181] [--seed seed.json] [--users TARGET=users.csv]... \
 *     [--generate 50 --generate-seed 42 --device-list devices.csv] \
 *     [--command-delay-ms 2000] [--enroll-delay-ms 5000]
 *
 * Prints one JSON line with the URL, then serves until SIGINT/SIGTERM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { csvText } from '../../shared/csv';
import { startWorkspaceOneSimulator, type FleetDevice } from '.';
import type { SimSeed } from './seed';

const COLUMNS: (keyof FleetDevice)[] = [
  'serial_number',
  'platform',
  'enrollment_kind',
  'user_email',
  'udid',
  'imei',
  'model',
  'friendly_name',
];

function toCsv(devices: FleetDevice[]): string {
  return csvText(
    COLUMNS,
    devices.map((d) => COLUMNS.map((c) => d[c])),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      users: { type: 'string', multiple: true },
      generate: { type: 'string' },
      'generate-seed': { type: 'string' },
      'device-list': { type: 'string' },
      'command-delay-ms': { type: 'string' },
      'enroll-delay-ms': { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const usersCsv: Record<string, string> = {};
  for (const spec of values.users ?? []) {
    const [tenant, file] = spec.split('=');
    if (!tenant || !file) throw new Error(`--users expects TENANT=file.csv, got ${spec}`);
    usersCsv[tenant] = readFileSync(file, 'utf8');
  }
  const behaviour = {
    ...(values['command-delay-ms'] !== undefined && { commandDelayMs: Number(values['command-delay-ms']) }),
    ...(values['enroll-delay-ms'] !== undefined && { enrollDelayMs: Number(values['enroll-delay-ms']) }),
  };
  const sim = await startWorkspaceOneSimulator({
    port: num(values.port),
    seed: values.seed ? (JSON.parse(readFileSync(values.seed, 'utf8')) as SimSeed) : undefined,
    usersCsv,
    generate: values.generate
      ? { devices: Number(values.generate), seed: num(values['generate-seed']) }
      : undefined,
    behaviour,
  });
  if (sim.fleet && values['device-list']) writeFileSync(values['device-list'], toCsv(sim.fleet.devices));
  process.stdout.write(`${JSON.stringify({ url: sim.url, tenants: [...sim.state.tenants.keys()] })}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
