import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { deviceListCsv } from '../../../src/client/source-inventory';
import { startConsole, type RunningConsole } from '../../../src/console/server/serve';
import { TARGET_TENANT, startSimulatedTenants, type SimulatedTenants } from '../../../src/demo/world';
import { FileMigrationStore } from '../../../src/services/device-lists/store';
import { FileAccountStore, type AccountStore } from '../../../src/console/server/auth/account-store';
import { launchChromium } from '../../helpers/browser';
import { perFile, standIn } from '../../helpers/set-up';
import { devServerEnv, installTestRuntime, testWorker } from '../../helpers/temporal';
import { signedIn } from '../auth-helpers';

/**
 * What the console's browser tests drive: the demo's world (simulated Workspace ONE source and target
 * and Apple Business Manager over HTTP, a generated fleet some of whose users the target lacks), a
 * worker on the suite's dev server, the console in this process (as `ferry console` and the demo start
 * it) and Debian's chromium. The state folder is the console's and the worker's migration store, and
 * holds the console's accounts.
 */

export interface ConsoleWorld {
  tenants: SimulatedTenants;
  console: RunningConsole;
  browser: Browser;
  /** The fleet as a device list file, as an admin would upload it. */
  deviceListFile: string;
  /** A folder for the test's own files (uploads, downloads), apart from the state folder. */
  filesDir: string;
  stateDir: string;
  /** The console's accounts (in the state folder, where `ferry console-owner` would write them). */
  accounts: AccountStore;
  /** Serials whose user the target lacks: they fail "Target user not found" until the user exists. */
  missingUsers: string[];
  /** Creates the missing users on the target, as an admin fixing the cause before a retry. */
  createMissingUsers(): void;
  close(): Promise<void>;
}

/** Where the console links workflows to (nothing listens there: the tests read the links only). */
export const TEMPORAL_UI = 'http://127.0.0.1:8233';

const FLEET = { devices: 12, seed: 1, missingTargetUserShare: 0.25 };

async function startWorld(): Promise<ConsoleWorld> {
  installTestRuntime();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-'));
  // The console reads the store where `ferry` does: FERRY_STATE_DIR (restored on close).
  const stateDirBefore = process.env.FERRY_STATE_DIR;
  process.env.FERRY_STATE_DIR = stateDir;
  const env = await devServerEnv();
  const tenants = await startSimulatedTenants(FLEET, {
    behaviour: { commandDelayMs: 200, enrollDelayMs: 300 },
    abm: { assignDelayMs: 200 },
  });
  const target = tenants.sim.tenant(TARGET_TENANT);
  const hasUser = (email: string) => tenants.sim.state.findUserByEmail(target, email) !== undefined;
  const missing = tenants.devices.filter((d) => !hasUser(d.userEmail));
  const store = new FileMigrationStore(stateDir);
  const { worker, taskQueue } = await testWorker(env, tenants.activities, {
    prefix: 'console',
    fleet: { store, abm: tenants.abm?.check },
    preflight: { target: tenants.target, targetGroupId: tenants.targetGroupId, store },
  });
  const running = worker.run();
  const accounts = new FileAccountStore(stateDir);
  const consoleServer = await startConsole(
    { client: env.client, namespace: env.namespace ?? 'default', taskQueue, temporalUiUrl: TEMPORAL_UI },
    { port: 0 },
    { auth: { store: accounts } },
  );
  const browser = await launchChromium();
  const filesDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-files-'));
  const deviceListFile = path.join(filesDir, 'devices.csv');
  writeFileSync(deviceListFile, deviceListCsv(tenants.devices));
  return {
    tenants,
    console: consoleServer,
    browser,
    deviceListFile,
    filesDir,
    stateDir,
    accounts,
    missingUsers: missing.map((d) => d.serialNumber),
    createMissingUsers() {
      for (const d of missing)
        if (!hasUser(d.userEmail)) tenants.sim.addUser(TARGET_TENANT, { email: d.userEmail });
    },
    async close() {
      await browser.close();
      await consoleServer.close();
      worker.shutdown();
      await running;
      await tenants.close();
      await env.teardown();
      if (stateDirBefore === undefined) delete process.env.FERRY_STATE_DIR;
      else process.env.FERRY_STATE_DIR = stateDirBefore;
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/** The world started once before the file's tests and closed after them; read it inside tests. */
export function consoleWorldPerFile(): ConsoleWorld {
  return standIn(perFile('the console world', startWorld, (world) => world.close()));
}

/**
 * One migration of the world's fleet for the file's tests, started by an Admin through the API in waves
 * of 2 that wait for approval (so that it stays open, with controls to show); read it inside tests.
 */
export function migrationPerFile(world: ConsoleWorld, name: string): () => { id: string } {
  return perFile(
    `the migration "${name}"`,
    async () => {
      const admin = await signedIn(world.console.app, world.accounts, 'admin');
      const upload = await admin.request({
        method: 'POST',
        url: '/api/uploads',
        headers: { 'content-type': 'text/csv' },
        payload: readFileSync(world.deviceListFile, 'utf8'),
      });
      const { uploadId } = upload.json() as { uploadId: string };
      const started = await admin.post('/api/migrations', {
        uploadId,
        name,
        options: { approveWaves: true, waveSize: 2 },
      });
      if (started.statusCode !== 200) throw new Error(`the migration did not start: ${started.body}`);
      return { id: (started.json() as { id: string }).id };
    },
    () => undefined,
  );
}
