/**
 * Issue 13, items 7-10: the ABM client against the simulator over real HTTP, in the simulator's
 * documented mode (its defaults: what public sources report) and in its quirk modes (what no source
 * settles). See src/services/abm/simulator/README.md for the sources.
 */
import axios from 'axios';
import { AppleBusinessManagerClient } from '../../src/services/abm';
import { AbmTargetServerCheck } from '../../src/services/abm/gateway';
import { DEMO_ABM_RATE_LIMITS, describeAbmRateLimits } from '../../src/demo/simulated-abm';
import { DEFAULT_ABM_ASSIGN_INTERVAL } from '../../src/workflows/fleet/messages';
import { durationMs } from '../../src/workflows/device/messages';
import {
  CLIENT_ID,
  KEY_ID,
  NEW_SERVER,
  OLD_SERVER,
  bearer,
  failure,
  serials,
  startEnv,
  type Env,
} from './fixture';

const UNKNOWN = 'NOPE00000000';

let env: Env | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});

const gets = (e: Env) => e.sim.apiRequests().filter((r) => r.method === 'GET');

/** Devices 0..n-1 on OLD_SERVER, the rest of `total` on no server. */
function devices(onOld: number, total: number) {
  return serials(total).map((serial, i) => ({
    serial,
    assignedServerId: i < onOld ? OLD_SERVER : undefined,
  }));
}

describe('item 7: the ABM token endpoint', () => {
  it('when Apple refuses a token request with a 400 that names no credentials error (too many token requests), then RateLimited, not Unauthorized, and no quick retry', async () => {
    env = await startEnv();
    // The documented mode: too many token requests answer 400 (kaincenteno/pyaxm README).
    for (let i = 0; i < 10; i++) await bearer(env);
    const err = await failure(env.client.listMdmServers());
    expect(err).toMatchObject({ name: 'RateLimited', status: 400, remoteCode: 'invalid_request' });
    expect(err.retryAfterMs).toBe(60_000);
    expect(env.sim.tokenRequests()).toBe(11);
  });

  it('when the token request fails with a credentials error (invalid_scope), then Unauthorized', async () => {
    env = await startEnv();
    const client = new AppleBusinessManagerClient({
      apiBaseUrl: env.sim.url,
      tokenUrl: env.sim.tokenUrl,
      clientId: CLIENT_ID,
      keyId: KEY_ID,
      privateKeyPem: env.privateKeyPem,
      scope: 'school.api' as 'business.api',
    });
    expect(await failure(client.listMdmServers())).toMatchObject({
      name: 'Unauthorized',
      remoteCode: 'invalid_scope',
    });
  });
});

describe("item 8: an unassigned device's assignedServer", () => {
  it('when ABM answers data null (the default), then unassigned; an unknown serial stays NotFound', async () => {
    env = await startEnv({ devices: devices(1, 2) });
    const [assigned, unassigned] = serials(2);
    expect(await env.client.getAssignedServerId(assigned!)).toBe(OLD_SERVER);
    expect(await env.client.getAssignedServerId(unassigned!)).toBeUndefined();
    expect((await failure(env.client.getAssignedServerId(UNKNOWN))).name).toBe('NotFound');
  });

  it('when ABM answers 404 for an unassigned device (quirk not-found), then the device is read again and reported unassigned', async () => {
    env = await startEnv({ devices: devices(0, 1), quirks: { unassignedServer: 'not-found' } });
    const [serial] = serials(1);
    expect(await env.client.getAssignedServerId(serial!)).toBeUndefined();
    expect(gets(env).map((r) => r.path)).toEqual([
      `/v1/orgDevices/${serial}/relationships/assignedServer`,
      `/v1/orgDevices/${serial}`,
    ]);
    // A 404 for a device the organisation does not hold still says so.
    expect((await failure(env.client.getAssignedServerId(UNKNOWN))).name).toBe('NotFound');
    const check = new AbmTargetServerCheck(env.client, { targetServerId: NEW_SERVER, checkWindowMs: 50 });
    await expect(check.assignedServerOf(serial!)).resolves.toBeUndefined();
  });

  it('when ABM answers an empty id (quirk empty-id), then unassigned', async () => {
    env = await startEnv({ devices: devices(0, 1), quirks: { unassignedServer: 'empty-id' } });
    expect(await env.client.getAssignedServerId(serials(1)[0]!)).toBeUndefined();
  });
});

describe('item 9: the rate limits, on by default', () => {
  it('when a client makes a 21st GET within a minute or an 11th POST within an hour, then 429 + Retry-After: RateLimited', async () => {
    env = await startEnv({ deviceCount: 11 });
    for (let i = 0; i < 20; i++) await env.client.getOrgDevice(serials(1)[0]!);
    const get = await failure(env.client.listMdmServers());
    expect(get).toMatchObject({ name: 'RateLimited', status: 429 });
    expect(get.retryAfterMs).toBeGreaterThan(50_000);
    expect(get.retryAfterMs).toBeLessThanOrEqual(60_000);
    const assign = (serial: string) =>
      env!.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES',
        mdmServerId: NEW_SERVER,
        serials: [serial],
      });
    for (const serial of serials(10)) await assign(serial);
    const post = await failure(assign(serials(11)[10]!));
    expect(post).toMatchObject({ name: 'RateLimited', status: 429 });
    expect(post.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(env.sim.rateLimitedRequests()).toBe(2);
  });

  it('when 50 device checks arrive together, then one GET answers them all', async () => {
    env = await startEnv({ deviceCount: 50 });
    const check = new AbmTargetServerCheck(env.client, { targetServerId: OLD_SERVER, checkWindowMs: 100 });
    const answers = await Promise.all([...serials(50), UNKNOWN].map((s) => check.isAssignedToTarget(s)));
    expect(answers).toEqual([...serials(50).map(() => true), false]);
    expect(gets(env).map((r) => r.path)).toEqual([`/v1/mdmServers/${OLD_SERVER}/relationships/devices`]);
    expect(env.sim.rateLimitedRequests()).toBe(0);
  });

  it('when 30 devices Apple did not move are on no server, then the read-back lists the servers instead of 30 GETs', async () => {
    env = await startEnv({ devices: devices(5, 35) });
    const check = new AbmTargetServerCheck(env.client, {
      targetServerId: NEW_SERVER,
      sourceServerId: OLD_SERVER,
    });
    const where = await check.assignedServersOf(serials(35));
    expect([...where.values()]).toEqual(serials(35).map((_, i) => (i < 5 ? OLD_SERVER : undefined)));
    expect(gets(env).length).toBeLessThanOrEqual(3);
    expect(env.sim.rateLimitedRequests()).toBe(0);
  });

  it("when the fleet spaces bulk assignments by default, then they fit Apple's 10 POSTs an hour with room for a rollback", () => {
    expect(3_600_000 / durationMs(DEFAULT_ABM_ASSIGN_INTERVAL)).toBeLessThanOrEqual(10 - 2);
  });

  it("when the demo runs, then its POST limit counts Apple's hour on the demo's clock and says so", async () => {
    expect(describeAbmRateLimits(DEMO_ABM_RATE_LIMITS)).toBe(
      "ABM rate limits: 20 GETs a minute, 10 activity POSTs per 12 s (Apple's hour at the demo's pace), 429 + Retry-After beyond",
    );
    expect(describeAbmRateLimits(undefined)).toContain('10 activity POSTs an hour');
    env = await startEnv({ deviceCount: 11, rateLimit: DEMO_ABM_RATE_LIMITS });
    for (const serial of serials(10)) {
      await env.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES',
        mdmServerId: NEW_SERVER,
        serials: [serial],
      });
    }
    const err = await failure(
      env.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES',
        mdmServerId: NEW_SERVER,
        serials: serials(1),
      }),
    );
    expect(err.name).toBe('RateLimited');
    expect(err.retryAfterMs).toBeLessThanOrEqual(12_000);
  });
});

describe('item 10: activity creation where Apple is silent', () => {
  it('when an activity names a serial the organisation does not hold (default accepted), then 201 and COMPLETED, only that serial not moved', async () => {
    env = await startEnv({ deviceCount: 1 });
    const body = {
      data: {
        type: 'orgDeviceActivities',
        attributes: { activityType: 'ASSIGN_DEVICES' },
        relationships: {
          mdmServer: { data: { type: 'mdmServers', id: NEW_SERVER } },
          devices: { data: [serials(1)[0], UNKNOWN].map((id) => ({ type: 'orgDevices', id })) },
        },
      },
    };
    const response = await axios.post(`${env.sim.url}/v1/orgDeviceActivities`, body, {
      headers: { Authorization: await bearer(env), 'Content-Type': 'application/json' },
      validateStatus: () => true,
    });
    expect(response.status).toBe(201);
    const id = (response.data as { data: { id: string } }).data.id;
    expect(await env.client.getDeviceActivity(id)).toMatchObject({
      status: 'COMPLETED',
      subStatus: 'COMPLETED_WITH_ERROR',
    });
    expect(env.sim.assignedServer(serials(1)[0]!)).toBe(NEW_SERVER);
  });

  it('when the simulator refuses unknown serials (quirk conflict), then the client reports InvalidRequest 409', async () => {
    env = await startEnv({ deviceCount: 1, quirks: { unknownSerial: 'conflict' } });
    const err = await failure(
      env.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES',
        mdmServerId: NEW_SERVER,
        serials: [UNKNOWN],
      }),
    );
    expect(err).toMatchObject({ name: 'InvalidRequest', status: 409, remoteCode: 'ENTITY_ERROR' });
  });

  it('when Apple answers 422 (malformed) or 409 (deadline out of range), then InvalidRequest, not retried', async () => {
    env = await startEnv({ deviceCount: 1 });
    const deadline = new Date(Date.now() + 91 * 86_400_000);
    const late = await failure(
      env.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE',
        mdmServerId: NEW_SERVER,
        serials: serials(1),
        deadline,
      }),
    );
    expect(late).toMatchObject({ name: 'InvalidRequest', status: 409 });
    const malformed = await failure(
      env.client.createDeviceActivity({
        activityType: 'RELEASE_DEVICES' as 'ASSIGN_DEVICES',
        mdmServerId: NEW_SERVER,
        serials: serials(1),
      }),
    );
    expect(malformed).toMatchObject({ name: 'InvalidRequest', status: 422 });
    expect(env.sim.apiRequests().filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});
