/**
 * Which calls each client retries (tests/clients/scripted-server.ts answers them): reads, searches
 * sent as POST and token requests are retried after a fault; a POST that acts (a registration token, a
 * device command, an ABM activity, an Intune retire or wipe) and the WS1 enrollment-user PATCH are sent
 * once, and their failure surfaces for the activity's retry and its read-before-write.
 */
import { AppleBusinessManagerClient } from '../../src/services/abm';
import { IntuneClient } from '../../src/services/intune';
import { WorkspaceOneClient, type WorkspaceOneAuth } from '../../src/services/workspace-one';
import { rejectionOf } from '../helpers/rejection';
import { keyPair } from '../abm/fixture';
import { startScriptedServer, type ScriptedServer } from './scripted-server';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(() => server.close());

const FAST = { baseDelayMs: 10, maxDelayMs: 20 };
const TOKEN = { status: 200, body: { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 } };

function ws1(auth: WorkspaceOneAuth = { kind: 'basic', username: 'u', password: 'p' }) {
  return new WorkspaceOneClient({
    baseUrl: server.url,
    tenantCode: 'T',
    auth,
    timeoutMs: 1_000,
    retry: FAST,
  });
}

describe('Workspace ONE', () => {
  it('when a read or the bulk device search (a POST) meets a fault, then it is retried', async () => {
    server.script('GET /API/system/users/search', 'reset', {
      status: 200,
      body: { Users: [{ Id: 7, Uuid: 'u-7', UserName: 'jdoe', Email: 'jane@corp.example' }], Total: 1 },
    });
    server.script('POST /API/mdm/devices', 503, { status: 200, body: { Devices: [], Total: 0 } });
    expect(await ws1().findUserByEmail('jane@corp.example')).toMatchObject({ id: 7 });
    expect(await ws1().findDevicesBySerials(['S1'])).toEqual([]);
    expect(server.requests()).toHaveLength(4);
  });

  it('when a token issue, a device command or the enrollment-user PATCH meets a 503, then one request', async () => {
    const client = ws1();
    server.script('POST /API/mdm/groups/og-1/enrollment-tokens', 503);
    server.script('POST /API/mdm/devices/commands', 503);
    server.script('POST /API/mdm/devices/dev-uuid/commands/DeviceWipe', 503);
    server.script('PATCH /API/mdm/devices/1/enrollmentuser/2', 503);
    const request = { userUuid: 'u-7', serialNumber: 'S1', platform: 'ios' } as const;
    const failures = [
      await rejectionOf(client.issueRegistrationToken('og-1', request)),
      await rejectionOf(client.enterpriseWipe('S1')),
      await rejectionOf(client.deviceWipe('dev-uuid')),
      await rejectionOf(client.assignEnrollmentUser(1, 2)),
    ];
    expect(failures.map((f) => f.type)).toEqual(['Transient', 'Transient', 'Transient', 'Transient']);
    expect(server.requests()).toHaveLength(4);
  });

  it('when a retried token DELETE is answered 404, then done; a 404 to the first attempt is NotFound', async () => {
    const path = 'DELETE /API/mdm/groups/og-1/enrollment-tokens/tok-1';
    server.script(path, 503, 404);
    await ws1().deleteRegistrationToken('og-1', 'tok-1');
    expect(server.requests(path)).toHaveLength(2);
    server.script(path, 404);
    expect(await rejectionOf(ws1().deleteRegistrationToken('og-1', 'tok-1'))).toMatchObject({
      type: 'NotFound',
    });
  });

  it('when the OAuth token endpoint answers 503 once, then the token request is retried', async () => {
    server.script('POST /connect/token', 503, TOKEN);
    server.script('GET /API/system/groups/search', {
      status: 200,
      body: { LocationGroups: [{ Id: 1, GroupId: 'corp', Name: 'Corp', Uuid: 'og-1' }] },
    });
    const client = ws1({
      kind: 'oauth',
      tokenUrl: `${server.url}/connect/token`,
      clientId: 'c',
      clientSecret: 's',
    });
    expect(await client.getOrganizationGroup('corp')).toMatchObject({ uuid: 'og-1' });
    expect(server.requests('POST /connect/token')).toHaveLength(2);
  });
});

describe('Microsoft Graph (Intune)', () => {
  const client = () =>
    new IntuneClient({
      tenantId: 'tenant',
      clientId: 'c',
      clientSecret: 's',
      graphBaseUrl: `${server.url}/v1.0`,
      tokenUrl: `${server.url}/tenant/oauth2/v2.0/token`,
      timeoutMs: 1_000,
      retry: FAST,
    });

  it('when the token request and a device read fail once, then both are retried', async () => {
    server.script('POST /tenant/oauth2/v2.0/token', 'reset', TOKEN);
    server.script('GET /v1.0/deviceManagement/managedDevices/dev-1', 502, {
      status: 200,
      body: { id: 'dev-1', serialNumber: 'S1', operatingSystem: 'iOS' },
    });
    expect(await client().getDevice('dev-1')).toMatchObject({ id: 'dev-1', serialNumber: 'S1' });
    expect(server.requests()).toHaveLength(4);
  });

  it('when retire or wipe meets a 503, then one request each', async () => {
    server.script('POST /tenant/oauth2/v2.0/token', TOKEN);
    server.script('POST /v1.0/deviceManagement/managedDevices/dev-1/retire', 503);
    server.script('POST /v1.0/deviceManagement/managedDevices/dev-1/wipe', 503);
    const graph = client();
    expect((await rejectionOf(graph.retire('dev-1'))).type).toBe('Transient');
    expect(
      (await rejectionOf(graph.wipe('dev-1', { keepEnrollmentData: false, keepUserData: false }))).type,
    ).toBe('Transient');
    expect(server.requests().filter((r) => r.startsWith('POST /v1.0'))).toHaveLength(2);
  });
});

describe('Apple Business Manager', () => {
  const client = () =>
    new AppleBusinessManagerClient({
      apiBaseUrl: server.url,
      tokenUrl: `${server.url}/auth/oauth2/token`,
      clientId: 'BUSINESSAPI.x',
      keyId: 'k',
      privateKeyPem: keyPair().privateKeyPem,
      timeoutMs: 1_000,
      retry: FAST,
    });

  it('when a device read fails once, then it is retried; when creating an activity fails, then not', async () => {
    server.script('POST /auth/oauth2/token', TOKEN);
    server.script('GET /v1/orgDevices/S1', 500, {
      status: 200,
      body: { data: { type: 'orgDevices', id: 'S1', attributes: { serialNumber: 'S1' } } },
    });
    server.script('POST /v1/orgDeviceActivities', 503);
    const abm = client();
    expect(await abm.getOrgDevice('S1')).toMatchObject({ serialNumber: 'S1' });
    const err = await rejectionOf(
      abm.createDeviceActivity({ activityType: 'ASSIGN_DEVICES', mdmServerId: 'M', serials: ['S1'] }),
    );
    expect(err.type).toBe('Transient');
    expect(server.requests('GET /v1/orgDevices/S1')).toHaveLength(2);
    expect(server.requests('POST /v1/orgDeviceActivities')).toHaveLength(1);
  });
});
