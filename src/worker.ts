import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createMigrationActivities, type MigrationActivities } from './activities/device';
import { createFleetActivities, type FleetActivities } from './activities/fleet';
import { createPreflightActivities, type PreflightActivities } from './activities/preflight';
import { WorkspaceOneSource } from './services/workspace-one/source';
import { readFileSync } from 'node:fs';
import { AbmTargetServerCheck } from './services/abm/gateway';
import { AppleBusinessManagerClient } from './services/abm';
import { warnIfKeyFileOpen } from './services/abm/key-file';
import { loadConfig, type AbmConfig, type FerryConfig } from './config';
import { intuneClient, workspaceOneClient } from './services/tenant-clients';
import { IntuneSource } from './services/intune';
import { createLogger, type Logger } from './logger';
import { LogNotifier, type Notifier } from './services/mail/notifier';
import { SmtpNotifier } from './services/mail/smtp-notifier';
import { connectClient, connectWorker, dataConverterFor } from './temporal/connection';
import type { MigrationStore } from './services/device-lists/store';
import { openMigrationStore } from './services/device-lists/open-store';
import { scheduleHousekeeping, temporalFleetLookup } from './services/device-lists/housekeeping';
import { installRuntime } from './temporal/runtime';

export interface FerryWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The device activities, and the fleet activities where this worker also runs fleet workflows. */
  activities: MigrationActivities & Partial<FleetActivities> & Partial<PreflightActivities>;
  /** A prebuilt bundle (tests, the demo); otherwise the workflows are bundled at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivities?: number;
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTasks?: number;
  /**
   * Payload encryption (`dataConverterFor(config)`): with a prebuilt `workflowBundle`, bundle it with the
   * converter's `failureConverterPath` too, or failures raised in workflow code stay in clear.
   */
  dataConverter?: WorkerOptions['dataConverter'];
}

export function createFerryWorker(options: FerryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    maxCachedWorkflows: options.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks,
    dataConverter: options.dataConverter,
    // On SIGINT/SIGTERM in-flight activities get this long to finish before they are cancelled.
    shutdownGraceTime: '30 seconds',
  });
}

/** SMTP when FERRY_SMTP_HOST is set (templates checked at start-up), otherwise a log line per message. */
async function notifierFor(config: FerryConfig, logger: Logger): Promise<Notifier> {
  return config.smtp
    ? SmtpNotifier.create(config.smtp, { logger, androidStaging: config.androidStaging })
    : new LogNotifier(logger);
}

function abmCheck(abm: AbmConfig, logger: Logger): AbmTargetServerCheck {
  warnIfKeyFileOpen(abm.privateKeyPath, logger);
  const client = new AppleBusinessManagerClient(
    {
      clientId: abm.clientId,
      keyId: abm.keyId,
      privateKeyPem: readFileSync(abm.privateKeyPath, 'utf8'),
      apiBaseUrl: abm.apiBaseUrl,
      tokenUrl: abm.tokenUrl,
    },
    logger.child({ service: 'abm' }),
  );
  return new AbmTargetServerCheck(client, {
    targetServerId: abm.targetServerId,
    sourceServerId: abm.sourceServerId,
  });
}

/** The real clients from config: the one place outside tests and the demo that builds them. */
export async function activitiesFromConfig(
  config: FerryConfig,
  logger: Logger,
  client: Client,
  store: MigrationStore,
): Promise<MigrationActivities & FleetActivities & PreflightActivities> {
  if (!config.target) {
    throw new Error(
      'The worker needs a target tenant: set WS1_TARGET_BASE_URL and its companions (see docs/configuration.md).',
    );
  }
  const abm = config.abm ? abmCheck(config.abm, logger) : undefined;
  const target = workspaceOneClient(config.target, logger.child({ tenant: 'target' }));
  return {
    ...createMigrationActivities({
      target,
      targetGroupId: config.target.groupId,
      source: config.source
        ? new WorkspaceOneSource(workspaceOneClient(config.source, logger.child({ tenant: 'source' })))
        : config.intune
          ? new IntuneSource(intuneClient(config.intune, logger.child({ tenant: 'source' })))
          : undefined,
      notifier: await notifierFor(config, logger.child({ component: 'notifier' })),
      abm,
    }),
    // Device lists are read from the store the CLI saved them in (shared with `ferry start`).
    ...createFleetActivities({
      client,
      store,
      deviceTaskQueue: config.taskQueue,
      abm,
    }),
    // The console's preflight: checked here, with the worker's credentials, on a list in the store.
    ...createPreflightActivities({
      target,
      targetGroupId: config.target.groupId,
      store,
      androidStaging: config.androidStaging,
    }),
  };
}

/** How often the worker removes the stored lists of migrations that ended more than the retention ago. */
const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'ferry-worker' });
  // Runtime first: it also installs the SIGINT/SIGTERM handlers that shut the worker down gracefully.
  installRuntime(logger);
  const address = config.temporal.address ?? `127.0.0.1:${config.devServer.port}`;
  const connection = await connectWorker(config.temporal, address);
  const client = await connectClient(config.temporal, address, config);
  const store = await openMigrationStore(config);
  try {
    const worker = await createFerryWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      activities: await activitiesFromConfig(config, logger, client, store),
      maxConcurrentActivities: config.worker.maxConcurrentActivities,
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
      maxConcurrentWorkflowTasks: config.worker.maxConcurrentWorkflowTasks,
      dataConverter: dataConverterFor(config),
    });
    logger.info(
      {
        address,
        namespace: config.temporal.namespace,
        taskQueue: config.taskQueue,
        store: store.location,
        // The key id only: which key encrypts is worth knowing, the key never leaves the config.
        payloadKeyId: config.payloadKeys?.current ?? null,
      },
      'worker running',
    );
    const housekeeping = scheduleHousekeeping({
      store,
      fleets: temporalFleetLookup(client),
      retentionMs: config.deviceListRetentionMs,
      intervalMs: HOUSEKEEPING_INTERVAL_MS,
      logger: logger.child({ component: 'housekeeping' }),
    });
    try {
      await worker.run();
    } finally {
      await housekeeping.stop();
    }
    logger.info('worker stopped');
  } finally {
    await store.close();
    await client.connection.close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`ferry worker: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
