/**
 * `npm run chaos`: a migration through `ferry start` while everything under it fails (see args.ts
 * USAGE), then the checks. Every process it starts is its child and is killed when it ends, however
 * it ends.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { readDeviceList } from '../src/client/device-list';
import { loadConfig } from '../src/config';
import { REHEARSAL_DURATIONS } from '../src/demo/world';
import type { MigrationDurations } from '../src/workflows/device/messages';
import { connectClient } from '../src/temporal/connection';
import { ChaosUsageError, USAGE, parseChaosArgs, type ChaosArgs } from './args';
import { Children } from './children';
import { driveMigration } from './drive';
import { childEnvironment } from './environment';
import { freshPayloadKeyLine } from '../src/config/payload-keys';
import { FerryCli } from './ferry-cli';
import { planKills } from './kill-plan';
import { duplicateCommandsOf, readLedgers } from './ledgers';
import { describeReport, historyFigures, isOk, type ChaosReport } from './report';
import { Scanner, pemBodyLines } from './scan';
import { startSimulatorsProcess } from './simulators-process';
import { deviceOutcomes, retrying, scanHistories } from './temporal-records';
import { ChaosTemporalServer } from './temporal-server';
import { ChaosWorker } from './worker-process';

const ADMIN_SCENARIO =
  'every target user exists, so every device re-enrolls; the only admin action is approving the bulk ABM assignment (ferry approve-abm)';

/**
 * The rehearsal's checks every second, with windows longer than any stall the kills cause (a killed
 * worker's activities wait out their one- or two-minute timeouts; the held device waits for the last
 * kill): a device that runs out of one of them would fail for the run's doing, not Ferry's.
 */
const CHAOS_DURATIONS: MigrationDurations = {
  ...REHEARSAL_DURATIONS,
  abmWait: '30 minutes',
  adeSyncTimeout: '15 minutes',
  sourceRemovalTimeout: '15 minutes',
  enrollmentTimeout: '30 minutes',
};

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `ferry start` as an admin would type it: the chaos waits, ADE through the bulk ABM assignment. */
function startArgs(args: ChaosArgs, migrationId: string, deviceList: string): string[] {
  const flags = ['start', '--name', 'chaos', '--id', migrationId, '--devices', deviceList];
  flags.push('--concurrency', String(Math.min(args.devices, 1000)), '--batch-size', '50');
  flags.push(
    '--poll-interval',
    '1 second',
    '--abm-assign-interval',
    '2 seconds',
    '--abm-auto-assign',
    'true',
  );
  if (args.source === 'intune') flags.push('--source', 'intune');
  for (const [key, value] of Object.entries(CHAOS_DURATIONS)) flags.push(`--${kebab(key)}`, String(value));
  return flags;
}

export async function runChaos(
  args: ChaosArgs,
  children: Children,
  say: (m: string) => void,
): Promise<ChaosReport> {
  const started = Date.now();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-chaos-'));
  const dir = (name: string) => {
    const d = path.join(stateDir, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };
  const logs = dir('logs');
  say(`State folder ${stateDir}`);

  const server = await ChaosTemporalServer.start(children, dir('temporal'));
  say(`Temporal dev server at ${server.address} (SQLite in the state folder)`);
  const sims = await startSimulatorsProcess(children, {
    devices: args.devices,
    source: args.source,
    seed: args.seed,
    stateDir: dir('simulators'),
    logFile: path.join(logs, 'simulators.log'),
  });
  say(`Simulators running (${args.devices} devices, source ${args.source})`);

  const encryption = !args.plain;
  // `ferry codec-key`'s line: KEYID:BASE64KEY; the key material is what the scans look for.
  const payloadKey = encryption ? freshPayloadKeyLine() : undefined;
  const ferryEnv: Record<string, string> = {
    ...sims.env,
    TEMPORAL_ADDRESS: server.address,
    FERRY_STATE_DIR: dir('ferry'),
    FERRY_TASK_QUEUE: `chaos-${process.pid}-${Date.now()}`,
    LOG_LEVEL: 'info',
    ...(payloadKey ? { FERRY_PAYLOAD_KEYS: payloadKey } : {}),
    ...(args.storeUrl ? { FERRY_STORE_URL: args.storeUrl } : {}),
  };
  const env = childEnvironment(ferryEnv);
  const config = loadConfig(env);
  const clients: Client[] = [];
  const client = await connectClient(config.temporal, server.address, config);
  const rawClient = await connectClient(config.temporal, server.address);
  clients.push(client, rawClient);

  const worker = new ChaosWorker(children, env, path.join(logs, 'worker.log'));
  await worker.start();
  const standby = args.standbyWorker
    ? new ChaosWorker(children, env, path.join(logs, 'standby-worker.log'))
    : undefined;
  if (standby) {
    await standby.start();
    say(`Standby worker on the same task queue (log ${standby.logFile}); a killed worker stays dead`);
  }
  say(
    `Worker running (log ${worker.logFile})${encryption ? ', payloads encrypted' : ', payloads in clear (--plain)'}`,
  );
  await sims.setFaults(true, args.seed);
  say('Faults on: 20% 5xx, 10% 429, 5% hangs, 5% resets, 2% malformed bodies');

  const list = await readDeviceList(sims.deviceList);
  // Held in the simulator until the last kill: the migration cannot end before every kill is made.
  const held = list.devices.find((d) => d.enrollmentKind !== 'ade') ?? list.devices[0]!;
  await sims.holdDevice(held.serialNumber, true);
  const cli = new FerryCli(env);
  const migrationId = `chaos-${args.seed}-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  await cli.runUntilOk(startArgs(args, migrationId, sims.deviceList));
  await cli.runUntilOk(['approve-abm', migrationId, '--by', 'chaos', '--reason', 'chaos run']);
  say(
    `Migration ${migrationId} started; bulk ABM assignment approved; ${held.serialNumber} held until the last kill`,
  );

  const kills = planKills({
    seed: args.seed,
    devices: args.devices,
    workerKills: args.workerKills,
    serverKills: args.serverKills,
    together: args.together,
    at: args.killsAt,
  });
  const drive = await driveMigration({
    client,
    migrationId,
    devices: args.devices,
    kills,
    worker,
    restartWorker: !standby,
    server,
    deadline: started + args.timeoutSeconds * 1_000,
    release: () => retrying(() => sims.holdDevice(held.serialNumber, false), 5),
    say,
  });
  await sims.setFaults(false, args.seed);
  say(drive.timedOut ? 'Timed out: checking what there is' : 'Migration finished: checking');

  await cli.runUntilOk(['status', migrationId, '--json']);
  await cli.runUntilOk(['devices', migrationId, '--json']);
  const outcomes = await deviceOutcomes(client, migrationId, list.devices);
  const ledgers = await readLedgers(sims);
  const duplicates = duplicateCommandsOf(ledgers);
  const scanner = new Scanner({
    secrets: [
      ...['WS1_SOURCE_PASSWORD', 'WS1_TARGET_OAUTH_CLIENT_SECRET', 'INTUNE_CLIENT_SECRET']
        .map((key) => sims.env[key])
        .filter((v): v is string => v !== undefined),
      ...pemBodyLines(readFileSync(sims.abmPrivateKey, 'utf8')),
      ...(payloadKey ? [payloadKey.slice(payloadKey.indexOf(':') + 1)] : []),
      ...(args.storeUrl ? [new URL(args.storeUrl).password].filter(Boolean) : []),
    ],
    tokens: ledgers.tokenValues,
    emails: list.devices.map((d) => d.userEmail),
  });
  const histories = await scanHistories(rawClient, scanner);
  await worker.stop();
  await standby?.stop();
  const logScan = scanner.scan(
    [
      readFileSync(worker.logFile, 'utf8'),
      ...(standby ? [readFileSync(standby.logFile, 'utf8')] : []),
      ...cli.output,
    ].join('\n'),
  );

  await Promise.all(clients.map((c) => c.connection.close()));
  await sims.stop();
  await retrying(() => server.stop(), 3);
  const report: Omit<ChaosReport, 'ok'> = {
    migrationId,
    source: args.source,
    devices: args.devices,
    expected: outcomes.expected,
    matched: outcomes.matched,
    mismatches: outcomes.mismatches.slice(0, 20),
    paths: outcomes.paths,
    failedDevices: new Set(outcomes.failed.map((f) => f.serial)).size,
    transientFailures: outcomes.transientFailures,
    tokensIssued: ledgers.tokensIssued,
    sourceCommands: [...ledgers.sourceCommands.values()].reduce((n, c) => n + c, 0),
    abmAssigned: [...ledgers.abmAssignments.values()].reduce((n, c) => n + c, 0),
    duplicateTokens: ledgers.duplicateTokens.length,
    duplicateCommands: duplicates.length,
    duplicates: duplicates.slice(0, 20),
    ...drive,
    // A worker that exits when nobody killed it is a failure, the standby's included.
    workerExits: worker.unexpectedExits + (standby?.unexpectedExits ?? 0),
    workers: standby ? 2 : 1,
    store: args.storeUrl ? 'postgres' : 'files',
    ...historyFigures(histories),
    secretsInLogs: logScan.secrets,
    emailsInLogs: logScan.emails,
    payloadEncryption: encryption,
    admin: { actions: ['approve-abm'], scenario: ADMIN_SCENARIO },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  const ok = isOk(report);
  if (ok && !args.keep) rmSync(stateDir, { recursive: true, force: true });
  return { ...report, stateDir: ok && !args.keep ? undefined : stateDir, ok };
}

if (require.main === module) {
  const children = new Children();
  // Ctrl-C or a TERM: every child goes with the run (the exit hook kills what is left).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nchaos: ${signal}: stopping every process the run started\n`);
      process.exit(130);
    });
  }
  let json = false;
  Promise.resolve()
    .then(async () => {
      const args = parseChaosArgs();
      if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      json = args.json;
      const t0 = Date.now();
      const say = (m: string) =>
        (json ? process.stderr : process.stdout).write(
          `[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${m}\n`,
        );
      const report = await runChaos(args, children, say);
      for (const line of describeReport(report)) say(line);
      if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
      return report.ok ? 0 : 1;
    })
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        const usage = err instanceof ChaosUsageError;
        const text = err instanceof Error ? (usage ? err.message : (err.stack ?? err.message)) : String(err);
        process.stderr.write(`chaos: ${text}\n`);
        process.exit(2);
      },
    );
}
