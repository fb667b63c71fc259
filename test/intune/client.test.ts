import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntuneClient } from '../../src/services/intune';
import { CLIENT_ID, CLIENT_SECRET, iphone, rejectionOf, startEnv, TENANT_ID, type Env } from './fixture';

describe('IntuneClient against the Intune simulator', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  test('when devices span several pages, then listManagedDevices follows @odata.nextLink to the end', async () => {
    env = await startEnv({ deviceCount: 23, pageSize: 5 });
    const devices = await env.client.listManagedDevices();
    expect(devices.map((d) => d.id)).toEqual(Array.from({ length: 23 }, (_, i) => iphone(i).id));
    const paged: string[] = [];
    for await (const device of env.client.iterateManagedDevices({ pageSize: 10 })) paged.push(device.id);
    expect(paged).toHaveLength(23);
    expect(devices[0]).toEqual({
      id: 'dev-0000',
      serialNumber: 'F2LX00000000',
      deviceName: 'user0-iPhone',
      userPrincipalName: 'user0@corp.example',
      emailAddress: 'user.0@corp.example',
      operatingSystem: 'iOS',
      model: 'iPhone 13',
      managedDeviceOwnerType: 'company',
      deviceEnrollmentType: 'appleBulkWithUser',
      isSupervised: true,
      imei: '356789012345678',
      deviceActionResults: [],
    });
  });

  test('when finding by serial, then only that serial returns, quotes escaped, and email falls back to UPN', async () => {
    env = await startEnv({
      devices: [iphone(1), iphone(2, { serialNumber: "O'BRIEN01", emailAddress: '' }), iphone(3)],
    });
    const found = await env.client.findBySerial("O'BRIEN01");
    expect(found.map((d) => d.id)).toEqual(['dev-0002']);
    expect(found[0]?.emailAddress).toBe('user2@corp.example');
    expect(await env.client.findBySerial('NOPE')).toEqual([]);
  });

  test('when making many calls, then one token is requested; after a revoke it is re-minted once', async () => {
    env = await startEnv();
    for (let i = 0; i < 5; i++) await env.client.findBySerial('F2LX00000001');
    await env.client.getDevice('dev-0001');
    expect(env.sim.tokenRequests()).toBe(1);
    env.sim.revokeTokens();
    expect((await env.client.getDevice('dev-0002')).id).toBe('dev-0002');
    expect(env.sim.tokenRequests()).toBe(2);
  });

  test('when the secret is wrong, then Unauthorized, and neither secret appears in the error', async () => {
    const wrong = 'wrong~secret-ZZZ';
    env = await startEnv({}, { clientSecret: wrong });
    const err = await rejectionOf(env.client.listManagedDevices());
    expect(err.name).toBe('Unauthorized');
    expect(err.service).toBe('Microsoft Graph');
    expect(err.remoteCode).toBe('invalid_client');
    const seen = JSON.stringify({ ...err, message: err.message, stack: err.stack });
    expect(seen).not.toContain(wrong);
    expect(seen).not.toContain(CLIENT_SECRET);
  });

  test('when a device is unknown, then NotFound carries Graph code and request-id', async () => {
    env = await startEnv();
    const err = await rejectionOf(env.client.getDevice('missing'));
    expect(err.name).toBe('NotFound');
    expect(err.remoteCode).toBe('ResourceNotFound');
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).not.toMatch(/Bearer/);
  });

  test('when over the rate limit, then RateLimited with retryAfterMs from Retry-After', async () => {
    env = await startEnv({ rateLimit: { perWindow: 2, windowMs: 60_000 } });
    await env.client.getDevice('dev-0001');
    await env.client.getDevice('dev-0002');
    const err = await rejectionOf(env.client.retire('dev-0001'));
    expect(err.name).toBe('RateLimited');
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(59_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(env.sim.actions()).toHaveLength(0);
  });

  test('when the body is malformed, then InvalidResponse (with retries off)', async () => {
    env = await startEnv({}, { retry: { maxAttempts: 1 } });
    env.sim.corruptNextResponse();
    const err = await rejectionOf(env.client.listManagedDevices());
    expect(err.name).toBe('InvalidResponse');
    expect(err.message).toContain('value: expected array');
  });

  test('when one body is malformed, then the read is retried and succeeds', async () => {
    env = await startEnv();
    env.sim.corruptNextResponse();
    expect(await env.client.listManagedDevices()).toHaveLength(3);
  });

  test('when retire and wipe are sent, then the simulator records them with the wipe body', async () => {
    env = await startEnv({ actionDelayMs: 60_000 });
    await env.client.retire('dev-0000');
    await env.client.wipe('dev-0001', { keepEnrollmentData: false, keepUserData: true });
    expect(env.sim.actions().map(({ deviceId, action, body }) => ({ deviceId, action, body }))).toEqual([
      { deviceId: 'dev-0000', action: 'retire', body: undefined },
      { deviceId: 'dev-0001', action: 'wipe', body: { keepEnrollmentData: false, keepUserData: true } },
    ]);
    const device = await env.client.getDevice('dev-0001');
    expect(device.deviceActionResults).toMatchObject([{ actionName: 'wipe', actionState: 'pending' }]);
  });
});

describe('IntuneClient on a throttling Graph (503 + Retry-After)', () => {
  test('when Graph answers 503 with Retry-After, then RateLimited; without it, Transient', async () => {
    let retryAfter: string | undefined = '7';
    const server = http.createServer((req, res) => {
      if (req.url?.includes('/oauth2/')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: 'tok' }));
        return;
      }
      res.writeHead(503, {
        'Content-Type': 'application/json',
        ...(retryAfter ? { 'Retry-After': retryAfter } : {}),
      });
      res.end(JSON.stringify({ error: { code: 'ServiceUnavailable', message: 'busy', innerError: {} } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const client = new IntuneClient({
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        graphBaseUrl: `${origin}/v1.0`,
        tokenUrl: `${origin}/${TENANT_ID}/oauth2/v2.0/token`,
        // One attempt: what each answer becomes (test/clients/client-retries.test.ts covers retries).
        retry: { maxAttempts: 1 },
      });
      const limited = await rejectionOf(client.retire('dev-1'));
      expect(limited.name).toBe('RateLimited');
      expect(limited.retryAfterMs).toBe(7_000);
      expect(limited.status).toBe(503);
      retryAfter = undefined;
      expect((await rejectionOf(client.getDevice('dev-1'))).name).toBe('Transient');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('IntuneClient when Graph ignores a $filter (simulator quirk ignoredFilterFields)', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  test('when the serialNumber filter is ignored, then findBySerial still returns only that serial, any case', async () => {
    env = await startEnv({ deviceCount: 7, pageSize: 2, quirks: { ignoredFilterFields: ['serialNumber'] } });
    // What Graph sends back: the whole tenant.
    const unfiltered = await env.client.listManagedDevices({ filter: "serialNumber eq 'F2LX00000003'" });
    expect(unfiltered).toHaveLength(7);
    expect((await env.client.findBySerial('f2lx00000003')).map((d) => d.id)).toEqual(['dev-0003']);
    expect(await env.client.findBySerial('NOPE')).toEqual([]);
  });

  test('when the filter is on a field Graph ignores by default (userId), then the whole list comes back', async () => {
    env = await startEnv({ devices: [iphone(1, { userId: 'u-1' }), iphone(2, { userId: 'u-2' })] });
    expect(await env.client.listManagedDevices({ filter: "userId eq 'u-1'" })).toHaveLength(2);
    expect(await env.client.listManagedDevices({ filter: "serialNumber eq 'F2LX00000002'" })).toHaveLength(1);
  });

  test('when reading Graph beta, then the beta-only enrollment types are there, and v1.0 shows them as unknown', async () => {
    const fm = iphone(1, {
      operatingSystem: 'Android',
      deviceEnrollmentType: 'androidEnterpriseFullyManaged',
    });
    env = await startEnv({ devices: [fm] });
    const [v1] = await env.client.listManagedDevices();
    const [beta] = await env.client.listManagedDevices({
      beta: true,
      select: ['id', 'deviceEnrollmentType'],
    });
    expect(v1?.deviceEnrollmentType).toBe('unknown');
    expect(beta?.deviceEnrollmentType).toBe('androidEnterpriseFullyManaged');
    expect(env.sim.betaUrl).toBe(env.sim.url.replace(/v1\.0$/, 'beta'));
  });

  test('when the beta URL is on another origin, then the client is not built (the token stays on Graph)', () => {
    const options = { tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    expect(
      () =>
        new IntuneClient({
          ...options,
          graphBaseUrl: 'https://graph.microsoft.com/v1.0',
          graphBetaBaseUrl: 'https://elsewhere.example/beta',
        }),
    ).toThrow('graphBetaBaseUrl must be on the origin of graphBaseUrl');
  });
});
