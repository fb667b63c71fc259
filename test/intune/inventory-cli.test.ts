import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseDeviceList } from '../../src/client/device-list';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import { fleetWorkflowId } from '../../src/workflows/fleet/messages';
import { ferry as runFerry } from '../helpers/ferry-cli';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, iphone, startEnv, type Env } from './fixture';

let env: Env;

beforeAll(async () => {
  env = await startEnv({
    devices: [
      iphone(1),
      iphone(2, { deviceEnrollmentType: 'userEnrollment', isSupervised: false }),
      iphone(3, {
        operatingSystem: 'Android',
        // Beta-only: v1.0 shows it as unknown, the inventory reads it from Graph beta.
        deviceEnrollmentType: 'androidEnterpriseCorporateWorkProfile',
        model: 'Pixel 8',
      }),
      iphone(4, { operatingSystem: 'Windows', deviceEnrollmentType: 'windowsAzureADJoin' }),
    ],
    pageSize: 2,
  });
});
afterAll(() => env?.sim.close());

/** The CLI with this file's source tenant configured; `extraEnv` overrides it. */
const ferry = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runFerry(args, {
    env: {
      INTUNE_TENANT_ID: TENANT_ID,
      INTUNE_CLIENT_ID: CLIENT_ID,
      INTUNE_CLIENT_SECRET: CLIENT_SECRET,
      INTUNE_GRAPH_BASE_URL: env.sim.url,
      INTUNE_TOKEN_URL: env.sim.tokenUrl,
      ...extraEnv,
    },
  });

test('when an admin pulls the Intune inventory, then a valid device list is written and the rest is named', async () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-inventory-')), 'devices.csv');
  const run = await ferry(['inventory', '--source', 'intune', '--out', out]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout).toContain('skipped F2LX00000004 (Windows): unsupported platform');
  expect(run.stdout).toContain(`${out}: 3 devices, 1 skipped`);
  expect(run.stdout).not.toContain(CLIENT_SECRET);
  const list = parseDeviceList(readFileSync(out, 'utf8'), out);
  expect(list.errors).toEqual([]);
  expect(list.devices.map((d) => [d.serialNumber, d.platform, d.enrollmentKind])).toEqual([
    ['F2LX00000001', 'ios', 'ade'],
    ['F2LX00000002', 'ios', 'standard'],
    ['F2LX00000003', 'android', 'work_profile'],
  ]);
});

test('when the source is not given, then inventory exits 2 with the reason', async () => {
  const run = await ferry(['inventory', '--out', 'x.csv']);
  expect(run.code).toBe(2);
  expect(run.stderr.trim()).toBe(
    'ferry inventory: --source intune|workspace-one is required (see ferry inventory --help)',
  );
});

test('when a migration is started from Intune without a file, then the inventory is its device list', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-intune-start-'));
  const migrationId = `intune-${Date.now()}`;
  const run = await ferry(['start', '--name', 'From Intune', '--source', 'intune', '--id', migrationId], {
    FERRY_STATE_DIR: stateDir,
    FERRY_TASK_QUEUE: `no-worker-${migrationId}`,
  });
  expect(run.code).toBe(0);
  expect(run.stdout.trim()).toBe(migrationId);
  expect(run.stderr).toContain('skipped F2LX00000004 (Windows): unsupported platform');
  const stored = await new FileMigrationStore(stateDir).readDevicePage(migrationId, 0, 10);
  expect(stored.map((d) => d.serialNumber)).toEqual(['F2LX00000001', 'F2LX00000002', 'F2LX00000003']);
  const client = new Client({
    connection: await Connection.connect({ address: process.env.FERRY_TEST_TEMPORAL_ADDRESS }),
  });
  await client.workflow.getHandle(fleetWorkflowId(migrationId)).terminate('test over');
  await client.connection.close();
});
