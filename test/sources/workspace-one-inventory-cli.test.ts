/**
 * `ferry inventory --source workspace-one` and `ferry start --source workspace-one` as spawned processes
 * against a simulated Workspace ONE source tenant.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { UNKNOWN_KIND_WARNING, parseDeviceList } from '../../src/client/device-list';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import {
  startWorkspaceOneSimulator,
  type WorkspaceOneSimulator,
} from '../../src/services/workspace-one/simulator';
import { fleetWorkflowId } from '../../src/workflows/fleet/messages';
import { ferry as runFerry } from '../helpers/ferry-cli';
import { BASIC } from '../simulators/ws1-fixture';

const SOURCE = 'SRC';
let sim: WorkspaceOneSimulator;

beforeAll(async () => {
  sim = await startWorkspaceOneSimulator({
    seed: {
      tenants: [
        {
          code: SOURCE,
          basicUsers: [BASIC],
          organizationGroups: [{ groupId: 'src-corp' }, { groupId: 'src-other' }],
          devices: [
            {
              serialNumber: 'IOSADE0001',
              platform: 'ios',
              userEmail: 'ana@corp.example',
              enrolledViaDep: true,
            },
            {
              serialNumber: 'IOSSTD0002',
              platform: 'ios',
              userEmail: 'ben@corp.example',
              udid: '00008030-001A2D3E0C12802E',
            },
            {
              serialNumber: 'ANDFM00003',
              platform: 'android',
              userEmail: 'cleo@corp.example',
              imei: '356789012345678',
            },
            {
              serialNumber: 'ANDWP00004',
              platform: 'android',
              userEmail: 'dev@corp.example',
              friendlyName: 'Dev, "work" phone',
            },
            {
              serialNumber: 'ANDLG00005',
              platform: 'android',
              userEmail: 'eve@corp.example',
            },
            {
              serialNumber: 'IOSOFF0006',
              platform: 'ios',
              userEmail: 'fay@corp.example',
              enrollmentStatus: 'Unenrolled',
            },
            { serialNumber: 'ANDNOU0007', platform: 'android' },
            {
              serialNumber: 'OTHERG0008',
              platform: 'ios',
              userEmail: 'gus@corp.example',
              group: 'src-other',
            },
          ],
        },
      ],
    },
  });
});
afterAll(() => sim?.close());

/** The CLI with this file's source tenant configured; `extraEnv` overrides it. */
const ferry = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runFerry(args, {
    env: {
      WS1_SOURCE_BASE_URL: sim.url,
      WS1_SOURCE_TENANT_CODE: SOURCE,
      WS1_SOURCE_GROUP_ID: 'src-corp',
      WS1_SOURCE_USERNAME: BASIC.username,
      WS1_SOURCE_PASSWORD: BASIC.password,
      ...extraEnv,
    },
  });

const tempFile = (name: string) =>
  path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-ws1-inventory-')), name);

test('when an admin pulls the Workspace ONE inventory, then ferry validate accepts the file and the rest is named', async () => {
  const out = tempFile('devices.csv');
  const run = await ferry(['inventory', '--source', 'workspace-one', '--out', out]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout.trim().split('\n')).toEqual([
    'skipped IOSOFF0006 (Apple): not enrolled',
    'skipped ANDNOU0007 (Android): no user email',
    `${out}: 5 devices, 2 skipped`,
  ]);
  expect(run.stdout).not.toContain(BASIC.password);

  // No public WS1 device model tells fully managed from work profile: Android rows say unknown, which
  // ferry validate accepts with a warning each (those devices fail closed until the kind is declared).
  const validate = await ferry(['validate', '--devices', out]);
  expect({ code: validate.code, stderr: validate.stderr }).toEqual({ code: 0, stderr: '' });
  expect(validate.stdout.split('\n').filter((l) => l.includes(', enrollment_kind: '))).toEqual(
    [4, 5, 6].map((line) => `warning: ${out} line ${line}, enrollment_kind: ${UNKNOWN_KIND_WARNING}`),
  );
  const list = parseDeviceList(readFileSync(out, 'utf8'), out);
  expect(list.errors).toEqual([]);
  expect(list.devices.map((d) => [d.serialNumber, d.platform, d.enrollmentKind, d.userEmail])).toEqual([
    ['IOSADE0001', 'ios', 'ade', 'ana@corp.example'],
    ['IOSSTD0002', 'ios', 'standard', 'ben@corp.example'],
    ['ANDFM00003', 'android', 'unknown', 'cleo@corp.example'],
    ['ANDWP00004', 'android', 'unknown', 'dev@corp.example'],
    ['ANDLG00005', 'android', 'unknown', 'eve@corp.example'],
  ]);
  expect(list.devices[1]).toMatchObject({
    udid: '00008030-001A2D3E0C12802E',
    sourceDeviceId: expect.stringMatching(/^\d+$/),
  });
  expect(list.devices[2]).toMatchObject({ imei: '356789012345678' });
  expect(list.devices[3]).toMatchObject({ friendlyName: 'Dev, "work" phone' });
});

test('when the source rejects the credentials, then inventory exits 1 naming the call, never the password', async () => {
  const run = await ferry(['inventory', '--source', 'workspace-one', '--out', tempFile('x.csv')], {
    WS1_SOURCE_PASSWORD: 'Wrong-Secret-pw',
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^ferry inventory: Workspace ONE GET \/API\/system\/groups\/search: HTTP 401\b/);
  expect(run.stderr + run.stdout).not.toContain('Wrong-Secret-pw');
});

test('when no Workspace ONE source is configured, then inventory exits 2 saying what to set', async () => {
  const run = await ferry(['inventory', '--source', 'workspace-one', '--out', tempFile('x.csv')], {
    WS1_SOURCE_BASE_URL: '',
  });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('set WS1_SOURCE_BASE_URL, WS1_SOURCE_TENANT_CODE, WS1_SOURCE_GROUP_ID');
});

test('when a migration is started from Workspace ONE without a file, then the inventory is its device list', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-ws1-start-'));
  const migrationId = `ws1-${Date.now()}`;
  const run = await ferry(['start', '--name', 'From WS1', '--source', 'workspace-one', '--id', migrationId], {
    FERRY_STATE_DIR: stateDir,
    FERRY_TASK_QUEUE: `no-worker-${migrationId}`,
  });
  expect(run.code).toBe(0);
  expect(run.stdout.trim()).toBe(migrationId);
  expect(run.stderr).toContain('skipped IOSOFF0006 (Apple): not enrolled');
  const stored = await new FileMigrationStore(stateDir).readDevicePage(migrationId, 0, 10);
  expect(stored.map((d) => [d.serialNumber, d.enrollmentKind])).toEqual([
    ['IOSADE0001', 'ade'],
    ['IOSSTD0002', 'standard'],
    // Started all the same (a warning, not an error): these fail closed at their first step.
    ['ANDFM00003', 'unknown'],
    ['ANDWP00004', 'unknown'],
    ['ANDLG00005', 'unknown'],
  ]);
  const client = new Client({
    connection: await Connection.connect({ address: process.env.FERRY_TEST_TEMPORAL_ADDRESS }),
  });
  await client.workflow.getHandle(fleetWorkflowId(migrationId)).terminate('test over');
  await client.connection.close();
});
