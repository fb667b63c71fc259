/**
 * `npm run simulators`: the Workspace ONE, Apple Business Manager and Intune simulators in a process of
 * their own (simulators.ts), serving until SIGINT/SIGTERM. Prints the environment a worker and the CLI
 * need: KEY=value lines (then `#` comments: the files and the admin routes), or one JSON object.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { USAGE, parseSimulatorsArgs, type SimulatorsArgs } from './args';
import { startSimulators } from './simulators';

async function main(args: SimulatorsArgs): Promise<void> {
  const stateDir = args.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'ferry-simulators-'));
  const running = await startSimulators({ ...args, stateDir });
  const { env, deviceList, abmPrivateKey, admin } = running;
  if (args.json) {
    const summary = { env, deviceList, abmPrivateKey, stateDir, admin, devices: args.devices };
    process.stdout.write(`${JSON.stringify({ ...summary, source: args.source, faults: args.faults })}\n`);
  } else {
    for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
    process.stdout.write(
      [
        `# ${args.devices} devices, source ${args.source}${args.faults ? ', faults on' : ''}${args.instant ? ', instant' : ''}`,
        `# device list: ${deviceList}`,
        `# ledgers and faults (GET/POST): ${Object.values(admin).join('  ')}`,
        '# serving until Ctrl-C',
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

Promise.resolve()
  .then(async () => {
    const args = parseSimulatorsArgs();
    if (!args.help) return main(args);
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  })
  .catch((err: unknown) => {
    process.stderr.write(`ferry simulators: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
