import pino from 'pino';
import { WorkspaceOneClient, type WorkspaceOneClientOptions } from '../../src/services/workspace-one';
import {
  startWorkspaceOneSimulator,
  type SimSeed,
  type WorkspaceOneSimulator,
  type WorkspaceOneSimulatorOptions,
} from '../../src/services/workspace-one/simulator';
import { NO_FAULTS } from '../../src/services/workspace-one/simulator/faults';
import { rejectionOf as anyRejection } from '../helpers/rejection';
import { perTest, standIn } from '../helpers/set-up';

export const SOURCE = 'SRC-TENANT';
export const TARGET = 'TGT-TENANT';
export const BASIC = { username: 'ferry-api', password: 'Sup3r-Secret-pw' };
export const OAUTH = { clientId: 'ferry-client', clientSecret: 'client-Secret-42' };

/** Two tenants: a source with five enrolled devices, a target with users, an ADE profile and AE. */
export function fixtureSeed(): SimSeed {
  return {
    tenants: [
      {
        code: SOURCE,
        basicUsers: [BASIC],
        organizationGroups: [{ groupId: 'src-corp', name: 'Source Corp' }],
        devices: [
          {
            serialNumber: 'IOSSTD0001',
            platform: 'ios',
            udid: 'udid-0001',
            userEmail: 'jane.doe@corp.example',
          },
          {
            serialNumber: 'IOSADE0002',
            platform: 'ios',
            userEmail: 'sam.ade@corp.example',
            enrolledViaDep: true,
          },
          {
            serialNumber: 'ANDLEG0003',
            platform: 'android',
            imei: '356789012345678',
            userEmail: 'ali@corp.example',
          },
          { serialNumber: 'ANDFM00004', platform: 'android', userEmail: 'fm.user@corp.example' },
          {
            serialNumber: 'NEVER00005',
            platform: 'ios',
            userEmail: 'jane.doe@corp.example',
            neverEnrolls: true,
          },
        ],
      },
      {
        code: TARGET,
        basicUsers: [BASIC],
        oauthClients: [OAUTH],
        organizationGroups: [
          { groupId: 'tgt-corp', name: 'Target Corp', androidWork: { enterpriseId: 'LC0123abcd' } },
          { groupId: 'tgt-noae', name: 'No Android' },
        ],
        users: [
          { email: 'a.team@corp.example' },
          { email: 'b.team@corp.example' },
          { email: 'c.team@corp.example' },
          { email: 'd.team@corp.example' },
          { email: 'Team@Corp.example', username: 'team', display_name: 'The Team' },
          { email: 'Jane.Doe@Corp.Example', username: 'jdoe' },
          { email: 'sam.ade@corp.example', username: 'sade' },
          { email: 'ali@corp.example' },
          { email: 'fm.user@corp.example' },
        ],
        adeProfiles: [
          { name: 'Ferry ADE', stagingMode: 'SingleUserDevice', defaultStagingUser: 'ade-staging' },
          { name: 'Legacy ADE', authenticationRequired: true, stagingMode: 'Disabled' },
          { name: 'Shared iPads', stagingMode: 'MultiUserDevice', autoAssignDefaultProfile: false },
        ],
        adeDevices: [{ serialNumber: 'IOSADE0002', profile: 'Ferry ADE' }, { serialNumber: 'UNASSIGNED01' }],
      },
    ],
  };
}

export interface CapturedLogs {
  lines: string[];
  logger: pino.Logger;
}

/** A debug logger writing into memory, to assert on what the client logs. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  return { lines, logger };
}

export function basicClient(
  sim: WorkspaceOneSimulator,
  tenantCode: string,
  extra: Partial<WorkspaceOneClientOptions> = {},
  logger?: pino.Logger,
): WorkspaceOneClient {
  return new WorkspaceOneClient(
    { baseUrl: sim.url, tenantCode, auth: { kind: 'basic', ...BASIC }, timeoutMs: 2_000, ...extra },
    logger,
  );
}

export function oauthClient(sim: WorkspaceOneSimulator, tenantCode: string): WorkspaceOneClient {
  return new WorkspaceOneClient({
    baseUrl: sim.url,
    tenantCode,
    auth: { kind: 'oauth', tokenUrl: `${sim.url}/connect/token`, ...OAUTH },
    timeoutMs: 2_000,
  });
}

export interface FixtureSimulator {
  sim: WorkspaceOneSimulator;
  /** Basic-auth clients of the fixture's source and target tenants, pointed at `sim`. */
  source: WorkspaceOneClient;
  target: WorkspaceOneClient;
}

/**
 * Before each test: the simulator on fixtureSeed() with `options` (e.g. the test's manual clock and its
 * delays) and clients of both tenants; after it, faults cleared and the simulator closed. Read them
 * inside tests.
 */
export function fixtureSimulatorPerTest(
  options: Omit<WorkspaceOneSimulatorOptions, 'seed'>,
): FixtureSimulator {
  const start = async (): Promise<FixtureSimulator> => {
    const sim = await startWorkspaceOneSimulator({ seed: fixtureSeed(), ...options });
    return { sim, source: basicClient(sim, SOURCE), target: basicClient(sim, TARGET) };
  };
  const current = perTest('the Workspace ONE simulator', start, async ({ sim }) => {
    sim.setFaults(NO_FAULTS);
    await sim.close();
  });
  return {
    sim: standIn(() => current().sim),
    source: standIn(() => current().source),
    target: standIn(() => current().target),
  };
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shared helper, typed plainly: these tests cast the error to the client's error classes. */
export const rejectionOf: (promise: Promise<unknown>) => Promise<Error> = anyRejection;
