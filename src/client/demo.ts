import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection, Client, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import {
  REHEARSAL_DURATIONS,
  TARGET_TENANT,
  startSimulatedTenants,
  type SimulatedFleet,
} from '../simulators/simulated-tenants';
import { readDeviceList } from './device-list';
import { formatIssue } from './list-file';
import { readTargetUsers } from './target-users';
import type { FaultConfig } from '../simulators/workspace-one';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { installRuntime } from '../temporal/runtime';
import { createFerryWorker } from '../worker';
import { createFleetActivities } from '../activities/fleet';
import { startFleetMigration } from '../migrations/start-migration';
import { FileMigrationStore } from '../migrations/store';
import {
  MAX_CONCURRENCY,
  approveAbmAssignment,
  cancelMigration,
  getMigrationProgress,
  type AbmBulkProgress,
} from '../workflows/fleet-messages';
import {
  DEFAULT_MIGRATION_OPTIONS,
  confirmAbmReassignment,
  deviceWorkflowId,
  getDeviceState,
  retryDevice,
  type DeviceState,
  type MigrationOptions,
} from '../workflows/messages';
import { countByStatus, devicesReportCsv } from './devices-report';
import { listDevices } from './commands/visibility';
import { ProgressLine } from './progress';

const USAGE = `npm run demo [-- options]

Migrates a generated, mixed fleet from a simulated source Workspace ONE tenant to a simulated target,
on Temporal's embedded dev server (or TEMPORAL_ADDRESS), acting as the admin where one is needed.

  --devices N       fleet size (default 100)
  --seed N          fleet generator seed (default 1)
  --concurrency N   devices migrating at once (default 200)
  --fleet FILE      rehearse with a real inventory export (a device list: CSV or JSON, see ferry validate)
  --target-users FILE  the target's users for the rehearsal (CSV/JSON with email; default: every device's user)
  --abm MODE        how ADE iPhones reach the target in Apple Business Manager (simulated):
                      auto      Ferry assigns them in bulk after one admin approval (default)
                      deadline  the iOS 26 migration: assigned with a deadline, they move without erase
                      confirm   the admin confirms each device's reassignment by hand
  --faults SPEC     simulator faults, e.g. 5xx=0.2,429=0.1,hang=0.05,reset=0.05,malformed=0.02,latency=0.3
  --timeout SEC     after this many seconds cancel what still runs and exit 1 (default 600)
  --json            print one JSON summary object as the last line
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
type AbmMode = (typeof ABM_MODES)[number];

function abmMode(value: string): AbmMode {
  if ((ABM_MODES as readonly string[]).includes(value)) return value as AbmMode;
  throw new Error(`--abm: "${value}" is not one of ${ABM_MODES.join(', ')}`);
}

/** The demo's fleet: generated (some users missing on purpose), or a real inventory to rehearse with. */
async function fleetFrom(
  fleetFile: string | undefined,
  usersFile: string | undefined,
  generated: { devices: number; seed: number },
): Promise<SimulatedFleet> {
  if (!fleetFile) {
    if (usersFile) throw new Error('--target-users goes with --fleet');
    return { ...generated, missingTargetUserShare: 0.1 };
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

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string' },
      abm: { type: 'string', default: 'auto' },
      fleet: { type: 'string' },
      'target-users': { type: 'string' },
      timeout: { type: 'string', default: '600' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const count = wholeNumber('devices', values.devices, 1);
  const concurrency = wholeNumber('concurrency', values.concurrency, 1, MAX_CONCURRENCY);
  const seed = wholeNumber('seed', values.seed, 0);
  const timeoutSeconds = wholeNumber('timeout', values.timeout, 1);
  const faults = parseFaults(values.faults);
  const abm = abmMode(values.abm);
  const config = loadConfig();
  const started = Date.now();
  const progress = new ProgressLine();
  const say = (m: string) => progress.say(m);

  mkdirSync(path.join(config.stateDir, 'logs'), { recursive: true });
  const logFile = path.join(config.stateDir, 'logs', 'demo-worker.log');
  const logger = createLogger(
    { level: 'info', name: 'ferry-demo' },
    pino.destination({ dest: logFile, sync: false }),
  );
  installRuntime(logger);

  let server: DevServer | undefined;
  const address =
    config.temporal.address ??
    (await (async () => {
      say('Starting the embedded Temporal dev server …');
      server = await startDevServer({
        stateDir: config.stateDir,
        port: config.devServer.port,
        uiPort: config.devServer.uiPort,
        cliPath: config.temporal.cliPath,
        onProgress: say,
      });
      say(
        `Temporal ${server.reused ? 'dev server already running' : 'dev server started'} at ${server.address}` +
          (server.uiUrl ? ` · Web UI ${server.uiUrl}` : ''),
      );
      return server.address;
    })());

  const tenants = await startSimulatedTenants(
    await fleetFrom(values.fleet, values['target-users'], { devices: count, seed }),
    {
      behaviour: { commandDelayMs: 500, enrollDelayMs: 1_500 },
      faults,
      abm: abm === 'confirm' ? undefined : { assignDelayMs: 1_000 },
    },
    logger,
  );
  const total = tenants.devices.length;
  say(`Simulated Workspace ONE tenants (source and target) at ${tenants.sim.url}; worker log: ${logFile}`);
  if (tenants.abm) say(`Simulated Apple Business Manager at ${tenants.abm.sim.url}`);

  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `ferry-demo-${process.pid}`;
  const store = new FileMigrationStore(config.stateDir);
  const worker = await createFerryWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: {
      ...tenants.activities,
      ...createFleetActivities({ client, store, deviceTaskQueue: taskQueue, abm: tenants.abm?.check }),
    },
  });
  const migrationId = `demo-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${process.pid}`;
  const options: MigrationOptions = {
    ...DEFAULT_MIGRATION_OPTIONS,
    durations: REHEARSAL_DURATIONS,
    abmAutoAssign: abm === 'auto',
    iosAdeMethod: abm === 'deadline' ? 'abm_deadline' : DEFAULT_MIGRATION_OPTIONS.iosAdeMethod,
  };
  const emailOf = new Map(tenants.devices.map((d) => [d.serialNumber, d.userEmail]));
  const admin = { abmConfirmed: 0, abmApproved: false, usersCreated: 0 };

  let abmProgress: AbmBulkProgress | undefined;
  const states = await worker.runUntil(async () => {
    say(`Migration ${migrationId}: ${total} devices, ${concurrency} at a time …`);
    const fleet = await startFleetMigration(client, store, taskQueue, {
      migrationId,
      name: 'demo',
      devices: tenants.devices,
      options,
      rollout: {
        concurrency,
        batchSize: 50,
        approveWaves: false,
        pollInterval: '1 second',
        abmAssignInterval: '2 seconds',
      },
    });
    const acted = new Set<string>();
    const deadline = started + timeoutSeconds * 1_000;
    for (;;) {
      const devices = await listDevices(client, migrationId);
      for (const d of devices.filter((x) => x.running && !acted.has(`${x.workflowId}:${x.status}`))) {
        const handle = client.workflow.getHandle(d.workflowId);
        if (d.status === 'abm_reassignment_pending' && abm !== 'confirm') {
          if (admin.abmApproved) continue;
          // One approval for the whole migration: Ferry assigns the waiting devices in bulk, batch by batch.
          await fleet.executeUpdate(approveAbmAssignment, { args: [{ by: 'demo admin' }] });
          admin.abmApproved = true;
          say(
            `  admin: approved the bulk ABM assignment${abm === 'deadline' ? ' with a migration deadline' : ''}`,
          );
        } else if (d.status === 'abm_reassignment_pending') {
          // The admin reassigned the device in Apple Business Manager and says so.
          await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'demo admin' }] });
          admin.abmConfirmed++;
          say(`  admin: confirmed ABM reassignment of ${d.serialNumber}`);
        } else if (d.status === 'failed' && d.subStatus === 'Target user not found') {
          tenants.sim.addUser(TARGET_TENANT, { email: emailOf.get(d.serialNumber)! });
          await handle.executeUpdate(retryDevice, { args: [{ by: 'demo admin', reason: 'user created' }] });
          admin.usersCreated++;
          say(`  admin: created the missing target user of ${d.serialNumber} and retried it`);
        } else continue;
        acted.add(`${d.workflowId}:${d.status}`);
      }
      const counts = countByStatus(devices.map((d) => d.status));
      const closed = devices.filter((d) => !d.running).length;
      const busy = Object.entries(counts)
        .filter(([s, n]) => n > 0 && s !== 'reenrolled')
        .map(([s, n]) => `${s} ${n}`);
      progress.update(
        `${ProgressLine.bar(closed, total)} reenrolled ${counts.reenrolled}${busy.length ? ` · ${busy.join(' · ')}` : ''}`,
      );
      if (devices.length === total && closed === total) break;
      if (Date.now() > deadline) {
        say(
          `Timed out after ${timeoutSeconds} s with ${total - closed} devices still running: cancelling them.`,
        );
        // The migration would wait for them (a failed device stays open for an admin): end it instead.
        await fleet.executeUpdate(cancelMigration, {
          args: [{ by: 'demo admin', reason: 'demo timed out' }],
        });
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    progress.done(`${ProgressLine.bar(total, total)} done`);
    await fleet.result();
    abmProgress = (await fleet.query(getMigrationProgress)).abm;
    const all = await Promise.all(
      tenants.devices.map((d) =>
        client.workflow
          .getHandle(deviceWorkflowId(migrationId, d.serialNumber))
          .query(getDeviceState)
          .catch((err: unknown) => {
            // A migration cancelled on timeout may not have started every device.
            if (err instanceof WorkflowNotFoundError) return undefined;
            throw err;
          }),
      ),
    );
    return all.filter((s): s is DeviceState => s !== undefined);
  });

  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const statuses = countByStatus(states.map((s) => s.status));
  const failedReasons: Record<string, number> = {};
  for (const s of states.filter((x) => x.status === 'failed')) {
    failedReasons[s.subStatus ?? ''] = (failedReasons[s.subStatus ?? ''] ?? 0) + 1;
  }
  const tokens = tenants.sim.ledger({ tenant: TARGET_TENANT, kind: 'token.issued' }).length;
  const commands = tenants.sim.ledger({ tenant: 'SOURCE' }).filter((e) => e.kind.startsWith('command.'));
  const doubled = commands.length - new Set(commands.map((c) => c.serialNumber)).size;
  const tokensExpected = states.reduce((n, s) => n + s.tokensIssued, 0);

  const reportDir = path.join(config.stateDir, 'reports');
  mkdirSync(reportDir, { recursive: true });
  const reportFile = path.join(reportDir, `${migrationId}-devices.csv`);
  writeFileSync(reportFile, devicesReportCsv(states));

  const out = process.stdout;
  out.write(`\nMigration ${migrationId}: ${total} devices in ${seconds} s\n`);
  for (const [status, n] of Object.entries(statuses).filter(([, n]) => n > 0))
    out.write(`  ${status.padEnd(26)} ${n}\n`);
  for (const [reason, n] of Object.entries(failedReasons)) out.write(`  failed: ${reason.padEnd(18)} ${n}\n`);
  const notStarted = total - states.length;
  if (notStarted > 0) out.write(`  ${'not started'.padEnd(26)} ${notStarted}\n`);
  const approval = admin.abmApproved ? '1 bulk ABM approval' : `${admin.abmConfirmed} ABM confirmations`;
  out.write(`  admin actions: ${approval}, ${admin.usersCreated} users created and retried\n`);
  if (abmProgress) {
    out.write(
      `  Apple Business Manager: ${abmProgress.batches} bulk assignments, ${abmProgress.assigned} devices moved to the target server (read back), ${abmProgress.notAssigned} not moved\n`,
    );
  }
  out.write(
    `  target: ${tokens} registration tokens issued (devices report ${tokensExpected}); source: ${commands.length} commands, ${doubled} sent twice\n`,
  );
  out.write(`  devices report: ${reportFile}\n`);
  if (server?.uiUrl) {
    out.write(
      `  Temporal UI: ${server.uiUrl}/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent(`FerryMigrationId='${migrationId}'`)}\n`,
    );
  }
  const ok = statuses.reenrolled === total && doubled === 0 && tokens === tokensExpected;
  out.write(
    ok
      ? 'Every device reached the status the scenario expects.\n'
      : 'Some devices did not reach the expected status.\n',
  );
  if (values.json) {
    out.write(
      `${JSON.stringify({ migrationId, devices: total, statuses, failedReasons, notStarted, seconds })}\n`,
    );
  }

  await nativeConnection.close();
  await connection.close();
  await tenants.close();
  if (server && !server.reused) await server.stop();
  return ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`ferry demo: ${(err as Error).message}\n`);
      process.exit(2);
    },
  );
}
