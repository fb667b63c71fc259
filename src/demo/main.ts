import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection, Client, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { REHEARSAL_DURATIONS, startSimulatedTenants } from './world';
import { USAGE, demoFleet, parseDemoArgs, type DemoArgs } from './args';
import { DemoAdmin } from './admin-bot';
import { printSummary, summarize } from './summary';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { installRuntime } from '../temporal/runtime';
import { createFerryWorker } from '../worker';
import { createFleetActivities } from '../activities/fleet';
import { startFleetMigration } from '../client/start-migration';
import { FileMigrationStore } from '../services/device-lists/store';
import { cancelMigration, getMigrationProgress } from '../workflows/fleet/messages';
import {
  DEFAULT_MIGRATION_OPTIONS,
  deviceWorkflowId,
  getDeviceState,
  type DeviceState,
  type MigrationOptions,
} from '../workflows/device/messages';
import { countByStatus, devicesReportCsv } from '../client/devices-report';
import { listDevices } from '../client/commands/visibility';
import { ProgressLine } from '../client/progress';

/**
 * Follows the migration every half second, showing progress and letting the admin act, until every
 * device has closed or the demo's time is up (then it cancels the migration).
 */
async function watchMigration(
  client: Client,
  fleet: WorkflowHandle,
  watch: { migrationId: string; total: number; deadline: number; timeoutSeconds: number },
  admin: DemoAdmin,
  progress: ProgressLine,
): Promise<void> {
  const { migrationId, total, deadline, timeoutSeconds } = watch;
  for (;;) {
    const devices = await listDevices(client, migrationId);
    await admin.actOn(devices);
    const counts = countByStatus(devices.map((d) => d.status));
    const closed = devices.filter((d) => !d.running).length;
    const busy = Object.entries(counts)
      .filter(([s, n]) => n > 0 && s !== 'reenrolled')
      .map(([s, n]) => `${s} ${n}`);
    progress.update(
      `${ProgressLine.bar(closed, total)} reenrolled ${counts.reenrolled}${busy.length ? ` · ${busy.join(' · ')}` : ''}`,
    );
    if (devices.length === total && closed === total) return;
    if (Date.now() > deadline) {
      progress.say(
        `Timed out after ${timeoutSeconds} s with ${total - closed} devices still running: cancelling them.`,
      );
      // The migration would wait for them (a failed device stays open for an admin): end it instead.
      await fleet.executeUpdate(cancelMigration, {
        args: [{ by: 'demo admin', reason: 'demo timed out' }],
      });
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(args: DemoArgs): Promise<number> {
  const { concurrency, abm } = args;
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
    await demoFleet(args),
    {
      behaviour: { commandDelayMs: 500, enrollDelayMs: 1_500 },
      faults: args.faults,
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

  const outcome = await worker.runUntil(async () => {
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
    const admin = new DemoAdmin(client, fleet, tenants, abm, say);
    const deadline = started + args.timeoutSeconds * 1_000;
    await watchMigration(
      client,
      fleet,
      { migrationId, total, deadline, timeoutSeconds: args.timeoutSeconds },
      admin,
      progress,
    );
    progress.done(`${ProgressLine.bar(total, total)} done`);
    await fleet.result();
    const { abm: abmProgress } = await fleet.query(getMigrationProgress);
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
    const states = all.filter((s): s is DeviceState => s !== undefined);
    return { states, admin: admin.tally, abm: abmProgress };
  });
  const { states } = outcome;

  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const summary = summarize({ migrationId, devices: total, seconds }, states, tenants.sim);
  const reportDir = path.join(config.stateDir, 'reports');
  mkdirSync(reportDir, { recursive: true });
  const reportFile = path.join(reportDir, `${migrationId}-devices.csv`);
  writeFileSync(reportFile, devicesReportCsv(states));
  const ui = server?.uiUrl;
  printSummary(process.stdout, summary, {
    admin: outcome.admin,
    abm: outcome.abm,
    reportFile,
    temporalUi: ui ? { url: ui, namespace: config.temporal.namespace } : undefined,
    json: args.json,
  });

  await nativeConnection.close();
  await connection.close();
  await tenants.close();
  if (server && !server.reused) await server.stop();
  return summary.ok ? 0 : 1;
}

if (require.main === module) {
  Promise.resolve()
    .then(async () => {
      const args = parseDemoArgs();
      if (!args.help) return main(args);
      process.stdout.write(`${USAGE}\n`);
      return 0;
    })
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        process.stderr.write(`ferry demo: ${(err as Error).message}\n`);
        process.exit(2);
      },
    );
}
