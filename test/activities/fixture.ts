/**
 * Shared fixture for the activity tests: a Workspace ONE simulator with a source and a target tenant,
 * real clients over HTTP, the real activities, and a way to run them in a MockActivityEnvironment.
 *
 * The simulator's clock runs with real time plus a skew the tests advance, so that a command delay or
 * an enrollment delay passes instantly and exactly, while the activities keep reading the real clock.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import pino from 'pino';
import { createMigrationActivities, type MigrationActivities } from '../../src/activities/device';
import { WorkspaceOneSource } from '../../src/services/workspace-one/source';
import { WorkspaceOneClient } from '../../src/services/workspace-one';
import { CapturingNotifier } from '../../src/demo/world';
import {
  startWorkspaceOneSimulator,
  type SimSeed,
  type WorkspaceOneSimulator,
} from '../../src/services/workspace-one/simulator';
import { perTest, standIn } from '../helpers/set-up';

export const SOURCE = 'SRC-TENANT';
export const TARGET = 'TGT-TENANT';
export const TARGET_OG = 'tgt-corp';
/** An OG of the target without Android Enterprise and without a default ADE profile. */
export const PLAIN_OG = 'tgt-plain';
export const CREDENTIALS = { username: 'ferry-api', password: 'Sup3r-Secret-pw' };
export const COMMAND_DELAY_MS = 1_000;
export const ENROLL_DELAY_MS = 5_000;
export const JANE = 'jane.doe@corp.example';
export const SAM = 'sam.ade@corp.example';

export function seed(): SimSeed {
  return {
    tenants: [
      {
        code: SOURCE,
        basicUsers: [CREDENTIALS],
        organizationGroups: [{ groupId: 'src-corp' }],
        devices: [
          { serialNumber: 'IOSSTD0001', platform: 'ios', userEmail: JANE },
          { serialNumber: 'IOSSTD0002', platform: 'ios', userEmail: JANE },
          { serialNumber: 'IOSSTD0003', platform: 'ios', userEmail: JANE },
          { serialNumber: 'IOSADE0004', platform: 'ios', userEmail: SAM, enrolledViaDep: true },
          { serialNumber: 'ANDLEG0005', platform: 'android', userEmail: JANE },
        ],
      },
      {
        code: TARGET,
        basicUsers: [CREDENTIALS],
        organizationGroups: [
          { groupId: TARGET_OG, name: 'Target Corp', androidWork: { enterpriseId: 'LC0123abcd' } },
          { groupId: PLAIN_OG, name: 'Plain' },
        ],
        users: [
          { email: 'Jane.Doe@Corp.Example', username: 'jdoe' },
          { email: SAM, username: 'sade' },
        ],
        adeProfiles: [
          { name: 'Ferry ADE', stagingMode: 'SingleUserDevice', defaultStagingUser: 'ade-staging' },
          { name: 'Auth On', authenticationRequired: true, defaultStagingUser: 'ade-staging' },
          { name: 'Shared iPads', stagingMode: 'MultiUserDevice', defaultStagingUser: 'ade-staging' },
          { name: 'No Staging User', stagingMode: 'SingleUserDevice' },
          {
            name: 'Plain ADE',
            group: PLAIN_OG,
            defaultStagingUser: 'ade-staging',
            autoAssignDefaultProfile: false,
          },
        ],
        adeDevices: [
          { serialNumber: 'IOSADE0004', profile: 'Ferry ADE' },
          { serialNumber: 'ADEAUTH001', profile: 'Auth On' },
          { serialNumber: 'ADEMULTI01', profile: 'Shared iPads' },
          { serialNumber: 'ADENOSTG01', profile: 'No Staging User' },
          { serialNumber: 'ADENOPRF01' },
          { serialNumber: 'ADEPLAIN01', profile: 'Plain ADE', group: PLAIN_OG },
        ],
      },
    ],
  };
}

export interface World {
  sim: WorkspaceOneSimulator;
  target: WorkspaceOneClient;
  notifier: CapturingNotifier;
  activities: MigrationActivities;
  /** Moves the simulator's clock forward. */
  advance(ms: number): void;
  /** Every HTTP request the target client sent, as `METHOD /path` (from its debug log). */
  targetRequests(): string[];
  /** A new set of activities (fresh caches and batcher), e.g. over another OG of the target. */
  newActivities(targetGroupId?: string): MigrationActivities;
}

export async function startWorld(): Promise<World> {
  let skewMs = 0;
  const sim = await startWorkspaceOneSimulator({
    seed: seed(),
    clock: () => Date.now() + skewMs,
    behaviour: { commandDelayMs: COMMAND_DELAY_MS, enrollDelayMs: ENROLL_DELAY_MS },
  });
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
  const target = client(sim, TARGET, CREDENTIALS.password, logger);
  const source = new WorkspaceOneSource(client(sim, SOURCE, CREDENTIALS.password));
  const notifier = new CapturingNotifier();
  const newActivities = (targetGroupId = TARGET_OG) =>
    createMigrationActivities({ target, targetGroupId, source, notifier });
  return {
    sim,
    target,
    notifier,
    activities: newActivities(),
    advance: (ms) => {
      skewMs += ms;
    },
    targetRequests: () =>
      logLines
        .map((line) => JSON.parse(line) as { msg?: string; method?: string; path?: string })
        .filter((entry) => entry.msg === 'http request')
        .map((entry) => `${entry.method} ${entry.path}`),
    newActivities,
  };
}

/** A fresh world before each test of the file (its simulator closed after); read it inside tests. */
export function worldPerTest(): World {
  return standIn(perTest('the activities world', startWorld, (world) => world.sim.close()));
}

export function client(
  sim: WorkspaceOneSimulator,
  tenantCode: string,
  password: string,
  logger?: pino.Logger,
): WorkspaceOneClient {
  return new WorkspaceOneClient(
    {
      baseUrl: sim.url,
      tenantCode,
      auth: { kind: 'basic', username: CREDENTIALS.username, password },
      timeoutMs: 2_000,
      // The real number of attempts, with short waits: a fault on every request stays quick to fail.
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
    },
    logger,
  );
}

/** What activities logged through `log` from `@temporalio/activity` (all runs of this process). */
export const activityLogs: LogEntry[] = [];
const activityLogger = new DefaultLogger('DEBUG', (entry) => activityLogs.push(entry));

/** Runs one activity attempt in its own MockActivityEnvironment. */
export function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  const env = new MockActivityEnvironment(undefined, { logger: activityLogger });
  return env.run(fn, ...args) as Promise<R>;
}

/** The ApplicationFailure an activity attempt failed with (fails the test if it succeeded). */
export async function failureOf(attempt: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await attempt.then(
    () => new Error('expected the activity to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw err;
  return err;
}

/** Everything of a failure that leaves the activity: message, details, cause. */
export function visibleText(failure: ApplicationFailure): string {
  return [failure.message, JSON.stringify(failure.details ?? []), String(failure.cause ?? '')].join(' ');
}
