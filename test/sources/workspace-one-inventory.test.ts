/**
 * Workspace ONE as the source's inventory: the client pages an OG's devices over real HTTP against the
 * simulator (mdm v2 search), and the records map to Ferry's device list with the rest named.
 */
import { RateLimitedError, UnauthorizedError } from '../../src/services/shared/errors';
import { inventoryToDeviceList, WorkspaceOneClient } from '../../src/services/workspace-one';
import { sourceDevicePageSchema } from '../../src/services/workspace-one/schemas';
import {
  startWorkspaceOneSimulator,
  type SimSeed,
  type WorkspaceOneSimulator,
} from '../../src/services/workspace-one/simulator';
import { BASIC, OAUTH, basicClient, captureLogs, rejectionOf } from '../simulators/ws1-fixture';

const SOURCE = 'SRC';

type DeviceSeed = NonNullable<SimSeed['tenants'][number]['devices']>[number];

/** `count` enrolled iPhones in `group`, serials numbered from `from`. */
const iphones = (count: number, group: string, from = 0): DeviceSeed[] =>
  Array.from({ length: count }, (_, i) => ({
    serialNumber: `F${String(from + i).padStart(11, '0')}`,
    platform: 'ios' as const,
    userEmail: `user${from + i}@corp.example`,
    group,
  }));

function sourceSeed(devices: DeviceSeed[]): SimSeed {
  return {
    tenants: [
      {
        code: SOURCE,
        basicUsers: [BASIC],
        oauthClients: [OAUTH],
        organizationGroups: [{ groupId: 'src-corp' }, { groupId: 'src-other' }],
        devices,
      },
    ],
  };
}

let sim: WorkspaceOneSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(devices: DeviceSeed[]) {
  sim = await startWorkspaceOneSimulator({ seed: sourceSeed(devices) });
  return { sim, ogId: sim.tenant(SOURCE).groups[0]!.id };
}

const searches = (lines: string[]) =>
  lines
    .map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number })
    .filter((l) => l.msg === 'http request' && l.path === '/API/mdm/devices/search');

describe('paging an OG', () => {
  test('when an OG holds 1,200 devices, then they come in three pages of 500, and only that OG', async () => {
    const { sim, ogId } = await start([...iphones(1_200, 'src-corp'), ...iphones(3, 'src-other', 5_000)]);
    const logs = captureLogs();
    const devices = await basicClient(sim, SOURCE, {}, logs.logger).listOrganizationGroupDevices(ogId);
    expect(devices).toHaveLength(1_200);
    expect(new Set(devices.map((d) => d.serialNumber)).size).toBe(1_200);
    expect(devices[0]).toEqual({
      id: expect.any(Number),
      uuid: expect.any(String),
      serialNumber: 'F00000000000',
      platform: 'Apple',
      model: undefined,
      friendlyName: expect.any(String),
      userEmail: 'user0@corp.example',
      enrollmentStatus: 'Enrolled',
      enrolledViaDep: false,
      udid: undefined,
      imei: undefined,
    });
    expect(devices.at(-1)!.serialNumber).toBe('F00000001199');
    expect(searches(logs.lines).map((l) => l.status)).toEqual([200, 200, 200]);
  });

  test('when the client asks for more than the server gives a page, then Total still brings every page', async () => {
    const { sim, ogId } = await start(iphones(1_200, 'src-corp'));
    const logs = captureLogs();
    const client = basicClient(sim, SOURCE, { pageSize: 1_000 }, logs.logger);
    const devices = await client.listOrganizationGroupDevices(ogId);
    expect(devices.map((d) => d.serialNumber)).toEqual(iphones(1_200, 'src-corp').map((d) => d.serialNumber));
    expect(searches(logs.lines)).toHaveLength(3);
  });

  test('when an OG is empty, then the 204 of an empty search reads as no devices', async () => {
    const { sim } = await start(iphones(2, 'src-corp'));
    const emptyOg = sim.tenant(SOURCE).groups[1]!.id;
    expect(await basicClient(sim, SOURCE).listOrganizationGroupDevices(emptyOg)).toEqual([]);
  });
});

describe('throttling and credentials', () => {
  test('when a page is answered 429 with Retry-After, then the client waits it out and reads on', async () => {
    const { sim, ogId } = await start(iphones(1_200, 'src-corp'));
    sim.setRateLimit(SOURCE, { perMinute: 2, windowMs: 1_000 });
    const logs = captureLogs();
    const started = Date.now();
    const devices = await basicClient(sim, SOURCE, {}, logs.logger).listOrganizationGroupDevices(ogId);
    expect(devices).toHaveLength(1_200);
    expect(searches(logs.lines).map((l) => l.status)).toEqual([200, 200, 429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('when Retry-After asks for longer than a minute, then the pull stops with RateLimited', async () => {
    const { sim, ogId } = await start(iphones(600, 'src-corp'));
    sim.setRateLimit(SOURCE, { perMinute: 1, windowMs: 120_000 });
    const err = await rejectionOf(basicClient(sim, SOURCE).listOrganizationGroupDevices(ogId));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ type: 'RateLimited', status: 429, retryAfterMs: 120_000 });
  });

  test('when the credentials are wrong, then Unauthorized without the password in it', async () => {
    const { sim, ogId } = await start(iphones(2, 'src-corp'));
    const client = basicClient(sim, SOURCE, {
      auth: { kind: 'basic', username: BASIC.username, password: 'nope-pw' },
    });
    const err = await rejectionOf(client.listOrganizationGroupDevices(ogId));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toMatchObject({ type: 'Unauthorized', status: 401, path: '/API/mdm/devices/search' });
    expect(err.message).not.toContain('nope-pw');
  });

  test('when an OAuth token is revoked between pulls, then one fresh token and the pull succeeds', async () => {
    const { sim, ogId } = await start(iphones(3, 'src-corp'));
    const client = new WorkspaceOneClient({
      baseUrl: sim.url,
      tenantCode: SOURCE,
      auth: { kind: 'oauth', tokenUrl: `${sim.url}/connect/token`, ...OAUTH },
    });
    expect(await client.listOrganizationGroupDevices(ogId)).toHaveLength(3);
    sim.revokeOAuthTokens();
    expect(await client.listOrganizationGroupDevices(ogId)).toHaveLength(3);
    expect(sim.oauthTokensIssued()).toBe(2);
  });
});

describe('mapping to the device list', () => {
  test('when a generated fleet is pulled, then every device comes back as the fleet declared it (Android: unknown)', async () => {
    sim = await startWorkspaceOneSimulator({ generate: { devices: 80, seed: 11 } });
    const fleet = sim.fleet!;
    const client = basicClient(sim, 'SOURCE', {
      auth: { kind: 'basic', username: 'ferry-api', password: 'ferry-api-password' },
    });
    const og = await client.getOrganizationGroup(fleet.sourceOrganizationGroup);
    const { devices, skipped } = inventoryToDeviceList(await client.listOrganizationGroupDevices(og.id));
    expect(skipped).toEqual([]);
    expect(new Set(fleet.devices.map((d) => d.enrollment_kind))).toEqual(
      new Set(['ade', 'standard', 'legacy', 'work_profile', 'fully_managed']),
    );
    expect(
      devices.map(({ sourceDeviceId, ...d }) => ({ ...d, sourceDeviceId: typeof sourceDeviceId })),
    ).toEqual(
      fleet.devices.map((d) => ({
        serialNumber: d.serial_number,
        platform: d.platform,
        // The source cannot tell an Android device's kind: the admin declares it in the list.
        enrollmentKind: d.platform === 'android' ? 'unknown' : d.enrollment_kind,
        userEmail: d.user_email,
        ...(d.udid ? { udid: d.udid } : {}),
        ...(d.imei ? { imei: d.imei } : {}),
        model: d.model,
        friendlyName: d.friendly_name,
        sourceDeviceId: 'string',
      })),
    );
  });

  test('when devices cannot migrate, then they are left out with the reason, in the order found', async () => {
    const { sim, ogId } = await start([
      { serialNumber: 'IOS-STD', platform: 'ios', userEmail: 'a@corp.example', group: 'src-corp' },
      {
        serialNumber: 'IOS-GONE',
        platform: 'ios',
        userEmail: 'b@corp.example',
        enrollmentStatus: 'Unenrolled',
      },
      { serialNumber: 'AND-NOUSER', platform: 'android', group: 'src-corp' },
      { serialNumber: 'AND-NOMODE', platform: 'android', userEmail: 'c@corp.example' },
    ]);
    const { devices, skipped } = inventoryToDeviceList(
      await basicClient(sim, SOURCE).listOrganizationGroupDevices(ogId),
    );
    expect(devices.map((d) => [d.serialNumber, d.enrollmentKind])).toEqual([
      ['IOS-STD', 'standard'],
      ['AND-NOMODE', 'unknown'],
    ]);
    expect(skipped).toEqual([
      { id: expect.any(String), serialNumber: 'IOS-GONE', platform: 'Apple', reason: 'not enrolled' },
      { id: expect.any(String), serialNumber: 'AND-NOUSER', platform: 'Android', reason: 'no user email' },
    ]);
  });

  test('when records come in the shapes Workspace ONE sends, then each kind and each reason is read', () => {
    const record = (extra: Record<string, unknown>) => ({
      Id: { Value: 7 },
      SerialNumber: 'SN',
      Platform: 'Android',
      UserEmailAddress: ' jo@corp.example ',
      EnrollmentStatus: 'Enrolled',
      ...extra,
    });
    const page = sourceDevicePageSchema.parse({
      Devices: [
        record({ SerialNumber: 'A1', Platform: 'Apple', EnrolledViaDEP: true, Udid: 'u1', Imei: null }),
        record({ Id: 8, SerialNumber: 'A2', Platform: 'iOS', EnrolledViaDEP: null }),
        // A field no public model has is not read, whatever it says: the kind stays unknown.
        record({ SerialNumber: 'D1', AndroidManagementMode: 'Work Managed' }),
        record({ SerialNumber: 'D2', AndroidManagementMode: 'WorkProfile' }),
        record({ SerialNumber: 'D3', AndroidManagementMode: 'Corporate Owned Personally Enabled' }),
        record({ SerialNumber: 'D4', AndroidManagementMode: 'Android (Legacy)' }),
        record({ SerialNumber: 'D5', AndroidManagementMode: 'DeviceAdministrator', Model: 'Pixel 8' }),
        record({ SerialNumber: 'M1', Platform: 'AppleOsX' }),
        record({ SerialNumber: null }),
        record({ SerialNumber: 'D6', EnrollmentStatus: 'EnterpriseWipePending' }),
        record({ SerialNumber: 'D7', UserEmailAddress: null }),
      ],
      Page: 0,
      PageSize: 500,
      Total: 11,
    });
    const { devices, skipped } = inventoryToDeviceList(page.Devices ?? []);
    expect(devices.map((d) => [d.serialNumber, d.platform, d.enrollmentKind])).toEqual([
      ['A1', 'ios', 'ade'],
      ['A2', 'ios', 'standard'],
      ['D1', 'android', 'unknown'],
      ['D2', 'android', 'unknown'],
      ['D3', 'android', 'unknown'],
      ['D4', 'android', 'unknown'],
      ['D5', 'android', 'unknown'],
    ]);
    expect(devices[0]).toEqual({
      serialNumber: 'A1',
      platform: 'ios',
      enrollmentKind: 'ade',
      userEmail: 'jo@corp.example',
      udid: 'u1',
      sourceDeviceId: '7',
    });
    expect(devices[1]!.sourceDeviceId).toBe('8');
    expect(devices[6]!.model).toBe('Pixel 8');
    expect(skipped.map((s) => [s.serialNumber, s.platform, s.reason])).toEqual([
      ['M1', 'AppleOsX', 'unsupported platform'],
      ['', 'Android', 'no serial number'],
      ['D6', 'Android', 'not enrolled'],
      ['D7', 'Android', 'no user email'],
    ]);
  });
});
