import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startWorkspaceOneSimulator,
  type WorkspaceOneSimulator,
} from '../../src/services/workspace-one/simulator';

const ROOT = path.resolve(__dirname, '..', '..');
let sim: WorkspaceOneSimulator;
let listFile: string;

beforeAll(async () => {
  sim = await startWorkspaceOneSimulator({
    generate: { devices: 20, seed: 3, missingTargetUserShare: 0.15 },
  });
  const rows = sim.fleet!.devices.map((d) =>
    [d.serial_number, d.platform, d.enrollment_kind, d.user_email].join(','),
  );
  listFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-preflight-')), 'devices.csv');
  writeFileSync(listFile, ['serial_number,platform,enrollment_kind,user_email', ...rows].join('\n'));
});

afterAll(() => sim?.close());

/** The worker's Android staging enrollment (Workspace ONE's documented QR shape, invented values). */
const STAGING_PASSWORD = 'Stag1ng-Pa55';
const QR_PAYLOAD = JSON.stringify({
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME':
    'com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM':
    '6kyqxDOjgS30jvQuzh4uvHPk-0bmAD-1QU7vtW7i_o8=',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION':
    'https://getwsone.com/mobileenrollment/airwatchagent.apk',
  'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
    serverurl: 'cn1234.awmdm.example',
    gid: 'corp-staging',
    un: 'staging-android',
    pw: STAGING_PASSWORD,
  },
});
let stagingEnv: Record<string, string> = { FERRY_ANDROID_STAGING_QR_PAYLOAD: QR_PAYLOAD };

function preflight(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/ferry.js', 'preflight', '--devices', listFile, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        WS1_TARGET_BASE_URL: sim.url,
        WS1_TARGET_TENANT_CODE: 'TARGET',
        WS1_TARGET_GROUP_ID: sim.fleet!.targetOrganizationGroup,
        WS1_TARGET_USERNAME: 'ferry-api',
        WS1_TARGET_PASSWORD: 'ferry-api-password',
        ...stagingEnv,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('when users are missing and the ADE profile asks for authentication, then preflight names each device that would fail', async () => {
  const profile = sim.tenant('TARGET').adeProfiles[0]!;
  profile.authenticationRequired = true;
  const missing = sim.fleet!.devices.filter(
    (d) => !sim.tenant('TARGET').users.some((u) => u.email.toLowerCase() === d.user_email.toLowerCase()),
  );
  expect(missing.length).toBeGreaterThan(0);
  const { code, stdout } = await preflight();
  expect(code).toBe(1);
  expect(stdout).toMatch(/\[FAIL\] +Target users: \d+ of 20 users found/);
  for (const d of missing) expect(stdout).toContain(`  ${d.serial_number}: Target user not found`);
  expect(stdout).toMatch(/\[FAIL\] +Apple ADE: .*has Authentication on/);
  expect(stdout).toMatch(/\[declared\] Registration tokens: .*declared, not verified/);
  expect(stdout).toMatch(/^NOT READY: 20 devices, \d+ would fail/m);
  expect(stdout).not.toMatch(/@/); // no user's email in the output
  expect(sim.ledger().filter((e) => !e.kind.startsWith('admin.'))).toEqual([]); // it wrote nothing
  profile.authenticationRequired = false;
});

test('when ADE devices take the ABM-deadline path, then preflight checks the default ADE profile they will enroll with', async () => {
  const ade = sim.fleet!.devices.filter((d) => d.enrollment_kind === 'ade');
  expect(ade.length).toBeGreaterThan(0);
  const profile = sim.tenant('TARGET').adeProfiles[0]!;
  profile.authenticationRequired = true;
  const { stdout } = await preflight('--ios-ade-method', 'abm_deadline');
  profile.authenticationRequired = false;
  expect(stdout).toMatch(
    /\[FAIL\] +Apple ADE \(ABM deadline\): \d+ devices move through ABM with a deadline.*has Authentication on/,
  );
  for (const d of ade) expect(stdout).toContain(`  ${d.serial_number}: ADE profile misconfigured: profile`);
  expect(stdout).not.toMatch(/Migration path not available/);
});

test('when ABM still holds the ADE devices on the source server, then preflight checks the default profile they will get', async () => {
  const target = sim.tenant('TARGET');
  const synced = target.adeDevices.splice(0); // not yet assigned to the target in ABM: the list is empty
  const profile = target.adeProfiles[0]!;
  try {
    const ade = sim.fleet!.devices.filter((d) => d.enrollment_kind === 'ade');
    profile.authenticationRequired = true;
    const misconfigured = await preflight('--abm-auto-assign', 'true');
    profile.authenticationRequired = false;
    expect(misconfigured.stdout).toMatch(
      /\[FAIL\] +Apple ADE: 0 of \d+ ADE devices synced.*has Authentication on/,
    );
    for (const d of ade) {
      expect(misconfigured.stdout).toContain(`  ${d.serial_number}: ADE profile misconfigured: profile`);
    }

    const fine = await preflight('--abm-auto-assign', 'true');
    expect(fine.stdout).toMatch(
      /\[wait\] +Apple ADE: 0 of \d+ ADE devices synced.*assigned in bulk once an admin approves \(ferry approve-abm\)/,
    );
    for (const d of ade) {
      expect(fine.stdout).toContain(
        `  ${d.serial_number}: not in the target ADE list yet (until ABM assigns it`,
      );
    }
  } finally {
    profile.authenticationRequired = false;
    target.adeDevices.push(...synced);
  }
});

test('when every prerequisite holds, then preflight says READY and exits 0', async () => {
  for (const d of sim.fleet!.devices) {
    if (!sim.tenant('TARGET').users.some((u) => u.email.toLowerCase() === d.user_email.toLowerCase())) {
      sim.addUser('TARGET', { email: d.user_email });
    }
  }
  const { code, stdout } = await preflight('--json');
  expect(code).toBe(0);
  const report = JSON.parse(stdout) as { checks: { name: string; result: string }[]; devices: unknown[] };
  expect(report.checks.map((c) => [c.name, c.result])).toEqual([
    ['Target organization group', 'ok'],
    ['Target users', 'ok'],
    ['Apple ADE', 'ok'],
    ['Android Enterprise (EMM) registration', 'ok'],
    ['Android staging enrollment (QR code)', 'declared'],
    ['Registration tokens', 'declared'],
  ]);
  expect(report.devices).toEqual([]);
});

test('when the workers declare no Android staging enrollment, then every fully managed device would fail before the wipe', async () => {
  const fullyManaged = sim.fleet!.devices.filter((d) => d.enrollment_kind === 'fully_managed');
  expect(fullyManaged.length).toBeGreaterThan(0);
  stagingEnv = {};
  try {
    const { code, stdout } = await preflight();
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /\[FAIL\] +Android staging enrollment \(QR code\): FERRY_ANDROID_STAGING_QR_PAYLOAD is not set: \d+ fully managed devices would fail before the wipe/,
    );
    for (const d of fullyManaged) {
      expect(stdout).toContain(`  ${d.serial_number}: Android staging enrollment not declared`);
    }
  } finally {
    stagingEnv = { FERRY_ANDROID_STAGING_QR_PAYLOAD: QR_PAYLOAD };
  }
});

test('when the staging enrollment and the token settings are declared, then preflight shows them as declared, never the secrets', async () => {
  const { stdout } = await preflight('--registration-token-length', '8', '--token-expiration-hours', '72');
  expect(stdout).toMatch(
    /\[declared\] Android staging enrollment \(QR code\): DPC com\.airwatch\.androidagent from getwsone\.com, server cn1234\.awmdm\.example, group ID corp-staging, no enrollment token \(QR code only\): declared, not verified/,
  );
  expect(stdout).toMatch(
    /\[declared\] Registration tokens: Registration Token Length 8, Token Expiration Time 72 hours: declared, not verified; every new token is checked against its length and expiry/,
  );
  expect(stdout).not.toContain(STAGING_PASSWORD);
  expect(stdout).not.toContain('staging-android');
});

test('when the declared token settings are ones the token paths cannot work with, then their devices would fail', async () => {
  const { code, stdout } = await preflight('--registration-token-type', 'two_factor');
  expect(code).toBe(1);
  expect(stdout).toMatch(
    /\[FAIL\] +Registration tokens: Two-Factor: declared, not verified.*Two-Factor; the message gives the user only the token/,
  );
  expect(stdout).toMatch(
    /^ {2}\w+: Token settings unsupported: Registration Token Type is declared Two-Factor/m,
  );
});
