import path from 'node:path';
import { Connection, Client, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { REHEARSAL_DURATIONS, TARGET_TENANT, startSimulatedTenants } from './world';
import { DEMO_ABM_RATE_LIMITS } from './simulated-abm';
import { USAGE, demoFleet, parseDemoArgs, type DemoArgs } from './args';
import { DemoAdmin } from './admin-bot';
import { printSummary, summarize } from './summary';
import { expectedOutcome } from './unattended';
import { watchMigration } from './watch';
import { seeAgain, serveDemoConsole } from './console';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { installRuntime } from '../temporal/runtime';
import { dataConverterFor } from '../temporal/connection';
import { ensurePayloadKeyFile } from '../temporal/codec/key-file';
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
import { devicesReportCsv } from '../client/devices-report';
import { ProgressLine } from '../client/progress';
import { temporalIdentity } from '../client/commands/temporal-session';
import { appendPrivateFile, ensurePrivateDir, writePrivateFile } from '../services/shared/private-files';

async function main(args: DemoArgs): Promise<number> {
  const { concurrency, abm, admin } = args;
  const config = loadConfig();
  const started = Date.now();
  const progress = new ProgressLine();
  const say = (m: string) => progress.say(m);

  const logFile = path.join(await ensurePrivateDir(config.stateDir, 'logs'), 'demo-worker.log');
  // Created owner-only here: pino opens it as it finds it.
  await appendPrivateFile(logFile, '');
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
      abm: abm === 'confirm' ? undefined : { assignDelayMs: 1_000, rateLimit: DEMO_ABM_RATE_LIMITS },
    },
    logger,
  );
  const total = tenants.devices.length;
  say(`Simulated Workspace ONE tenants (source and target) at ${tenants.sim.url}; worker log: ${logFile}`);
  if (tenants.abm)
    say(`Simulated Apple Business Manager at ${tenants.abm.sim.url} · ${tenants.abm.rateLimits}`);

  // The demo's histories are encrypted as a real deployment's should be: with the configured keys, or
  // with a key of its own kept in the state folder (owner-only, reused by later runs).
  const keyFile = path.join(config.stateDir, 'payload-keys');
  const payloadKeys = config.payloadKeys ?? ensurePayloadKeyFile(keyFile);
  const dataConverter = dataConverterFor({ payloadKeys });
  const connection = await Connection.connect({ address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter,
    // What `ferry audit` shows beside the demo admin's actions.
    identity: temporalIdentity('ferry-demo'),
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `ferry-demo-${process.pid}`;
  const store = new FileMigrationStore(config.stateDir);
  const keysEnv = config.payloadKeys
    ? 'the same FERRY_PAYLOAD_KEYS(_FILE)'
    : `FERRY_PAYLOAD_KEYS_FILE=${keyFile}`;
  say(
    `Payloads encrypted (AES-256-GCM, key ${payloadKeys.current}). To read the histories in the Web UI, run ` +
      `${keysEnv} npm run ferry -- codec-server --insecure-no-auth and set http://127.0.0.1:8888 as its codec endpoint`,
  );
  const worker = await createFerryWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue,
    dataConverter,
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

  // What the scenario expects of each device, from the target's users before anyone creates one.
  const target = tenants.sim.tenant(TARGET_TENANT);
  const targetHasUser = (email: string) => tenants.sim.state.findUserByEmail(target, email) !== undefined;
  const expected = tenants.devices.map((device) => ({
    device,
    expected: expectedOutcome(device, { admin, abm, targetHasUser }),
  }));

  const migrate = async () => {
    say(`Migration ${migrationId}: ${total} devices, ${concurrency} at a time …`);
    if (admin === 'none') {
      say('Nobody acts as admin (--admin none): the demo stops once no device can move without one.');
    }
    const fleet = await startFleetMigration(client, store, taskQueue, {
      migrationId,
      name: 'demo',
      startedBy: 'demo',
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
    const demoAdmin = admin === 'auto' ? new DemoAdmin(client, fleet, tenants, abm, say) : undefined;
    const deadline = started + args.timeoutSeconds * 1_000;
    const watch = { migrationId, total, concurrency, deadline, timeoutSeconds: args.timeoutSeconds };
    const watched = await watchMigration(client, fleet, store, watch, demoAdmin, progress);
    const deviceStates = async () => {
      const all = await Promise.all(
        tenants.devices.map((d) =>
          client.workflow
            .getHandle(deviceWorkflowId(migrationId, d.serialNumber))
            .query(getDeviceState)
            .catch((err: unknown) => {
              // Devices the migration did not start (cancelled on timeout, held back, refused).
              if (err instanceof WorkflowNotFoundError) return undefined;
              throw err;
            }),
        ),
      );
      return all.filter((s): s is DeviceState => s !== undefined);
    };
    let states: DeviceState[];
    if (watched.end === 'standstill') {
      progress.done('No device can move without an admin now.');
      // The report shows where the rehearsal stopped; then nothing is left waiting for an admin.
      states = await deviceStates();
      say('Rehearsal over: cancelling the migration, so that nothing stays open waiting for an admin.');
      await fleet.executeUpdate(cancelMigration, {
        args: [{ by: 'demo', reason: 'rehearsal with nobody acting as admin is over' }],
      });
      await fleet.result();
    } else {
      progress.done(`${ProgressLine.bar(total, total)} done`);
      await fleet.result();
      states = await deviceStates();
    }
    const { abm: abmProgress } = await fleet.query(getMigrationProgress);
    return {
      states,
      adminActions: demoAdmin?.actions ?? [],
      abm: abmProgress,
      rolloutHold: watched.end === 'standstill' ? watched.standstill.hold : undefined,
    };
  };
  const report = async (outcome: Awaited<ReturnType<typeof migrate>>) => {
    const { states } = outcome;

    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const summary = summarize(
      {
        migrationId,
        seconds,
        admin,
        devices: expected,
        states,
        notStarted: await store.readNotStarted(migrationId),
        rolloutHold: outcome.rolloutHold,
        abm: outcome.abm,
      },
      tenants.sim,
      tenants.notifier.log,
    );
    const reportDir = await ensurePrivateDir(config.stateDir, 'reports');
    const reportFile = path.join(reportDir, `${migrationId}-devices.csv`);
    await writePrivateFile(reportFile, devicesReportCsv(states));
    // Temporal's UI is linked only where it stays up: a server the demo did not start, or --console.
    const ui = server?.uiUrl;
    const uiStaysUp = server?.reused === true || args.console;
    printSummary(process.stdout, summary, {
      adminActions: outcome.adminActions,
      abm: outcome.abm,
      reportFile,
      temporalUi: ui && uiStaysUp ? { url: ui, namespace: config.temporal.namespace } : undefined,
      seeAgain: server && !uiStaysUp ? seeAgain(config.stateDir) : undefined,
      json: args.json,
    });
    return summary.ok;
  };

  const ok = await worker.runUntil(
    async () => {
      const passed = await report(await migrate());
      if (args.console) {
        const { namespace } = config.temporal;
        const where = { client, namespace, taskQueue, port: args.consolePort, migrationId };
        await serveDemoConsole({
          ...where,
          temporalUiUrl: server?.uiUrl,
          say: (line) => process.stdout.write(`${line}\n`),
        });
      }
      return passed;
    },
    // Ctrl-C stops the worker (the runtime's signal handlers) and the console together.
    { promiseCompletionTimeout: '10 seconds' },
  );

  await nativeConnection.close();
  await connection.close();
  await tenants.close();
  if (server && !server.reused) await server.stop();
  return ok ? 0 : 1;
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
