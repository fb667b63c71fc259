import { Writable } from 'node:stream';
import pino from 'pino';
import { AppleBusinessManagerClient } from '../../src/services/abm';
import {
  CLIENT_ID,
  KEY_ID,
  NEW_SERVER,
  OLD_SERVER,
  failure,
  keyPair,
  serials,
  startEnv,
  type Env,
} from './fixture';

/** Text that would betray the key, an assertion (a JWT starts `eyJ`) or a bearer token. */
function secretsIn(text: string, privateKeyPem: string): string[] {
  const keyLines = privateKeyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  return ['Bearer', 'eyJ', 'BEGIN', 'client_assertion', ...keyLines].filter((s) => text.includes(s));
}

function errorText(err: Error & Record<string, unknown>): string {
  return [err.message, String(err.stack), JSON.stringify(err), String(err.cause)].join('\n');
}

describe('AppleBusinessManagerClient against the simulator', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  it('when several calls are made, then one token is minted and reused', async () => {
    env = await startEnv();
    const servers = await env.client.listMdmServers();
    const device = await env.client.getOrgDevice(serials(1)[0] ?? '');
    const assigned = await env.client.getAssignedServerId(device.serialNumber);

    expect(servers.map((s) => s.serverName)).toEqual(['Old MDM', 'Workspace ONE']);
    expect(device).toMatchObject({
      serialNumber: 'F2LX00000000',
      status: 'ASSIGNED',
      productFamily: 'iPhone',
    });
    expect(assigned).toBe(OLD_SERVER);
    expect(env.sim.tokenRequests()).toBe(1);
  });

  it('when the token is revoked, then the client re-mints once and the call succeeds', async () => {
    env = await startEnv();
    await env.client.listMdmServers();
    env.sim.revokeTokens();
    await expect(env.client.listMdmServers()).resolves.toHaveLength(2);
    expect(env.sim.tokenRequests()).toBe(2);
  });

  it('when the key does not match the registered public key, then Unauthorized without secrets', async () => {
    env = await startEnv();
    const wrong = keyPair('pkcs8');
    const client = new AppleBusinessManagerClient({
      apiBaseUrl: env.sim.url,
      tokenUrl: env.sim.tokenUrl,
      clientId: CLIENT_ID,
      keyId: KEY_ID,
      privateKeyPem: wrong.privateKeyPem,
    });
    const err = await failure(client.listOrgDevices());
    expect(err.name).toBe('Unauthorized');
    expect(err).toMatchObject({ service: 'Apple Business Manager', status: 401 });
    expect(secretsIn(errorText(err), wrong.privateKeyPem)).toEqual([]);
  });

  it('when the org has more devices than a page, then every page is read via links.next', async () => {
    env = await startEnv({ deviceCount: 7 }, { pageLimit: 3 });
    const devices = await env.client.listOrgDevices();
    expect(devices.map((d) => d.serialNumber)).toEqual(serials(7));
  });

  it('when a device is unknown, then NotFound; when the server is unknown, then InvalidRequest', async () => {
    env = await startEnv();
    expect((await failure(env.client.getOrgDevice('NOPE0000'))).name).toBe('NotFound');
    const conflict = await failure(
      env.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES',
        mdmServerId: 'X',
        serials: serials(1),
      }),
    );
    expect(conflict).toMatchObject({ name: 'InvalidRequest', status: 409, remoteCode: 'ENTITY_ERROR' });
    const local = await failure(
      env.client.createDeviceActivity({ activityType: 'ASSIGN_DEVICES', serials: [] }),
    );
    expect(local.name).toBe('InvalidRequest');
  });

  it('when GETs exceed the rate limit, then RateLimited carries Retry-After', async () => {
    env = await startEnv({ rateLimit: { getPerMinute: 2 } });
    await env.client.listMdmServers();
    await env.client.listMdmServers();
    const err = await failure(env.client.listMdmServers());
    expect(err).toMatchObject({ name: 'RateLimited', status: 429, remoteCode: 'RATE_LIMIT_EXCEEDED' });
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('when POSTs exceed the hourly limit, then RateLimited', async () => {
    env = await startEnv({ rateLimit: { postPerHour: 1 } });
    const assign = () =>
      env!.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES',
        mdmServerId: NEW_SERVER,
        serials: serials(1),
      });
    await assign();
    const err = await failure(assign());
    expect(err.name).toBe('RateLimited');
    expect(err.retryAfterMs).toBeGreaterThan(3_000_000);
  });

  it('when a body does not match the schema, then InvalidResponse naming the field (retries off)', async () => {
    env = await startEnv({}, { retry: { maxAttempts: 1 } });
    await env.client.listMdmServers();
    env.sim.corruptNextResponse();
    const err = await failure(env.client.getOrgDevice(serials(1)[0] ?? ''));
    expect(err.name).toBe('InvalidResponse');
    expect(err.message).toContain('data: expected object');
  });

  it('when one body does not match the schema, then the read is retried and succeeds', async () => {
    env = await startEnv();
    await env.client.listMdmServers();
    env.sim.corruptNextResponse();
    expect(await env.client.getOrgDevice(serials(1)[0] ?? '')).toMatchObject({ serialNumber: serials(1)[0] });
  });

  it('when requests are logged at debug, then no key, assertion or token appears', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    env = await startEnv();
    const logged = new AppleBusinessManagerClient(
      {
        apiBaseUrl: env.sim.url,
        tokenUrl: env.sim.tokenUrl,
        clientId: CLIENT_ID,
        keyId: KEY_ID,
        privateKeyPem: env.privateKeyPem,
      },
      pino({ level: 'debug' }, sink),
    );
    await logged.listOrgDevices();
    env.sim.revokeTokens();
    await logged.getAssignedServerId(serials(1)[0] ?? '');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(secretsIn(lines.join('\n'), env.privateKeyPem)).toEqual([]);
  });
});
