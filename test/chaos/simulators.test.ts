import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { IntuneClient } from '../../src/services/intune';
import { eventually } from '../helpers/eventually';

/**
 * `npm run simulators` as a user (or the chaos run) starts it: a process of its own that prints the
 * environment a worker needs, writes the device list and the ABM key owner-only, serves the ledgers and
 * fault settings over loopback, and plays Intune's retire on the Workspace ONE copy of the device.
 */
const ROOT = path.resolve(__dirname, '..', '..');

interface Started {
  env: Record<string, string>;
  deviceList: string;
  abmPrivateKey: string;
  admin: { ws1: string; abm: string; intune?: string };
}

let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

function startSimulators(args: string[]): Promise<Started> {
  const proc = spawn(
    process.execPath,
    [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/simulators/main.ts', ...args],
    { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Started);
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

const get = async (url: string) => (await fetch(url)).json() as Promise<unknown>;
const post = async (url: string, body: unknown) =>
  (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json() as Promise<unknown>;

test('when started with Intune as the source and faults, then its environment configures a worker, its files are owner-only and its ledgers and faults answer', async () => {
  const started = await startSimulators([
    '--json',
    '--devices',
    '4',
    '--source',
    'intune',
    '--faults',
    '--seed',
    '3',
  ]);
  const config = loadConfig(started.env);
  expect(config).toMatchObject({
    target: { tenantCode: 'TARGET', auth: { kind: 'oauth' } },
    intune: { tenantId: started.env.INTUNE_TENANT_ID },
    abm: { privateKeyPath: started.abmPrivateKey },
  });
  expect(config.source).toBeUndefined();
  expect(statSync(started.deviceList).mode & 0o777).toBe(0o600);
  expect(statSync(started.abmPrivateKey).mode & 0o777).toBe(0o600);

  for (const admin of [started.admin.ws1, started.admin.abm, started.admin.intune!]) {
    expect(await get(`${admin}/faults`)).toMatchObject({
      serverErrorRate: 0.2,
      hangRate: 0.05,
      resetRate: 0.05,
    });
    expect(
      await post(`${admin}/faults`, {
        serverErrorRate: 0,
        rateLimitedRate: 0,
        hangRate: 0,
        resetRate: 0,
        malformedRate: 0,
      }),
    ).toMatchObject({ serverErrorRate: 0, hangRate: 0 });
  }
  expect(await get(`${started.admin.abm}/activities`)).toEqual([]);

  // Intune's retire reaches the device: the Workspace ONE copy leaves its source as if retired there.
  const intune = new IntuneClient({
    tenantId: config.intune!.tenantId,
    clientId: config.intune!.clientId,
    clientSecret: config.intune!.clientSecret,
    graphBaseUrl: config.intune!.graphBaseUrl,
    tokenUrl: config.intune!.tokenUrl,
  });
  const [device] = await intune.listManagedDevices();
  await intune.retire(device!.id);
  expect(await get(`${started.admin.intune}/actions`)).toEqual([
    { deviceId: device!.id, serialNumber: device!.serialNumber, action: 'retire', at: expect.any(String) },
  ]);
  const ledger = await get(`${started.admin.ws1}/ledger?tenant=SOURCE&serial=${device!.serialNumber}`);
  expect(ledger).toEqual([
    expect.objectContaining({ kind: 'admin.device.unenrolled', detail: { command: 'EnterpriseWipe' } }),
  ]);
  await eventually(
    async () =>
      (await get(`${started.admin.ws1}/tenants/SOURCE`)) as {
        devices: { serialNumber: string; enrollmentStatus: string }[];
      },
    (s) => s.devices.find((d) => d.serialNumber === device!.serialNumber)?.enrollmentStatus === 'Unenrolled',
    'the retired device to leave its source',
  );

  const exit = new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
  child!.kill('SIGTERM');
  expect(await exit).toBe(0);
});
