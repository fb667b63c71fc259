/**
 * Contract tests: every WorkspaceOneClient call against the simulator over real HTTP, including the
 * failure modes (401, OAuth refresh, 429, malformed body, hang, reset, 5xx) and the cross-tenant
 * device behaviour the workflows rely on.
 */
import {
  InvalidRequestError,
  InvalidResponseError,
  NON_RETRYABLE_CLIENT_ERROR_TYPES,
  NotFoundError,
  RateLimitedError,
  TransientError,
  UnauthorizedError,
} from '../../src/services/shared/errors';
import { StagingUserSwitchRefusedError, WorkspaceOneClient } from '../../src/services/workspace-one';
import {
  BASIC,
  SOURCE,
  TARGET,
  basicClient,
  captureLogs,
  eventually,
  fixtureSimulatorPerTest,
  oauthClient,
  rejectionOf,
  sleep,
} from '../simulators/ws1-fixture';

const { sim, source, target } = fixtureSimulatorPerTest({
  behaviour: { commandDelayMs: 40, enrollDelayMs: 60 },
});

const targetOg = () => sim.tenant(TARGET).groups[0]!;
const userUuid = (email: string) =>
  sim.tenant(TARGET).users.find((u) => u.email.toLowerCase() === email)!.uuid;
/**
 * The suite's 40 ms `commandDelayMs` runs on the real clock: too short for a test to read the pending
 * wipe state reliably on a busy machine. This gives one source device a wide pending window.
 */
const slowWipe = (serialNumber: string) => {
  sim.migrationOf(SOURCE, serialNumber).commandDelayMs = 500;
};

describe('users, devices and organization groups', () => {
  it('when several pages contain the email, then paging finds the exact case-insensitive match', async () => {
    const logs = captureLogs();
    const client = basicClient(sim, TARGET, { pageSize: 2 }, logs.logger);
    const user = await client.findUserByEmail('  team@corp.EXAMPLE ');
    expect(user).toEqual({
      id: expect.any(Number),
      uuid: expect.any(String),
      userName: 'team',
      email: 'Team@Corp.example',
      displayName: 'The Team',
    });
    const searches = logs.lines.filter((l) => l.includes('/API/system/users/search'));
    expect(searches).toHaveLength(3);
    expect(logs.lines.join('\n')).not.toMatch(/@|Sup3r|Authorization|aw-tenant-code/i);
  });

  it('when no user has the email, then undefined (204 or an empty 200 page)', async () => {
    expect(await target.findUserByEmail('nobody@corp.example')).toBeUndefined();
    sim.state.quirks.emptySearchStatus = 200;
    expect(await target.findUserByEmail('nobody@corp.example')).toBeUndefined();
    expect(
      await basicClient(sim, TARGET, { pageSize: 2 }).findUserByEmail('team@corp.example'),
    ).toBeDefined();
  });

  it('when a device is looked up by serial, UDID or IMEI, then it is found; unknown is undefined', async () => {
    const bySerial = await source.findDevice('Serialnumber', 'iosstd0001');
    expect(bySerial).toMatchObject({
      serialNumber: 'IOSSTD0001',
      enrollmentStatus: 'Enrolled',
      userEmail: 'jane.doe@corp.example',
      platform: 'Apple',
      enrolledViaDep: false,
    });
    expect(bySerial?.id).toEqual(expect.any(Number));
    expect(bySerial?.uuid).toEqual(expect.any(String));
    expect(bySerial?.lastEnrolledOn).toMatch(/Z$/);
    expect((await source.findDevice('Udid', 'udid-0001'))?.serialNumber).toBe('IOSSTD0001');
    expect((await source.findDevice('ImeiNumber', '356789012345678'))?.serialNumber).toBe('ANDLEG0003');
    expect(await source.findDevice('Serialnumber', 'NOPE')).toBeUndefined();
  });

  it('when more serials than the bulk limit are asked, then the client chunks them', async () => {
    sim.state.quirks.bulkMaxItems = 2;
    const client = basicClient(sim, SOURCE, { bulkChunkSize: 2 });
    const serials = ['IOSSTD0001', 'IOSADE0002', 'MISSING', 'ANDLEG0003', 'ANDFM00004'];
    const found = await client.findDevicesBySerials(serials);
    expect(found.map((d) => d.serialNumber).sort()).toEqual([
      'ANDFM00004',
      'ANDLEG0003',
      'IOSADE0002',
      'IOSSTD0001',
    ]);
    const unchunked = await rejectionOf(basicClient(sim, SOURCE).findDevicesBySerials(serials));
    expect(unchunked).toBeInstanceOf(InvalidRequestError);
    expect(await client.findDevicesBySerials(['MISSING'])).toEqual([]);
  });

  it('when the OG exists, then id, uuid, name and groupId; otherwise NotFound', async () => {
    const og = await target.getOrganizationGroup('TGT-CORP');
    expect(og).toEqual({
      id: targetOg().id,
      uuid: targetOg().uuid,
      name: 'Target Corp',
      groupId: 'tgt-corp',
    });
    const err = await rejectionOf(target.getOrganizationGroup('missing'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).type).toBe('NotFound');
  });

  it('when an OG is registered with Android Enterprise, then registered; otherwise not (404 or {})', async () => {
    const [registered, plain] = sim.tenant(TARGET).groups;
    expect(await target.getAndroidWorkRegistration(registered!.id)).toEqual({
      registered: true,
      enterpriseId: 'LC0123abcd',
    });
    expect(await target.getAndroidWorkRegistration(plain!.id)).toEqual({ registered: false });
    sim.state.quirks.androidWorkUnregistered = 'empty';
    expect(await target.getAndroidWorkRegistration(plain!.id)).toEqual({ registered: false });
  });

  it('when the source inventory is paged, then every device comes with its user email', async () => {
    const og = sim.tenant(SOURCE).groups[0]!.uuid;
    const first = await source.listDevicesPage(og, 0, 2);
    const last = await source.listDevicesPage(og, 2, 2);
    expect(first.total).toBe(5);
    expect(first.devices).toHaveLength(2);
    expect(first.devices[0]).toMatchObject({
      serialNumber: 'IOSSTD0001',
      userEmail: 'jane.doe@corp.example',
    });
    expect(last.devices.map((d) => d.serialNumber)).toEqual(['NEVER00005']);
    expect(await source.listDevicesPage(og, 9, 2)).toEqual({ devices: [], total: 0 });
  });
});

describe('registration tokens', () => {
  it('when a token is issued, then it can be listed, read, read back by serial and deleted', async () => {
    const og = targetOg().uuid;
    const issued = await target.issueRegistrationToken(og, {
      userUuid: userUuid('jane.doe@corp.example'),
      serialNumber: 'IOSSTD0001',
      platform: 'ios',
      email: 'jane.doe@corp.example',
    });
    const stored = sim.tenant(TARGET).tokens[0]!;
    expect(issued).toEqual({ token: stored.value });
    expect(stored).toMatchObject({ platformId: 2, serialNumber: 'IOSSTD0001' });

    const listed = await target.listRegistrationTokens(og, 'IOSSTD0001');
    expect(listed).toEqual([expect.objectContaining({ uuid: stored.uuid, serialNumber: 'IOSSTD0001' })]);
    const details = await target.getRegistrationToken(og, stored.uuid);
    expect(details).toMatchObject({
      uuid: stored.uuid,
      serialNumber: 'IOSSTD0001',
      userName: 'jdoe',
      status: 1,
    });
    expect(details.expirationDate).toBe(new Date(stored.expiresAt).toISOString());
    expect(await target.findRegistrationTokenValue('iosstd0001')).toBe(stored.value);
    expect(await target.findRegistrationTokenValue('OTHER')).toBeUndefined();

    await target.deleteRegistrationToken(og, stored.uuid);
    expect(await rejectionOf(target.getRegistrationToken(og, stored.uuid))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(target.deleteRegistrationToken(og, stored.uuid))).toBeInstanceOf(NotFoundError);
    expect(await target.listRegistrationTokens(og, 'IOSSTD0001')).toEqual([]);
    expect(sim.ledger({ tenant: TARGET }).map((e) => e.kind)).toEqual(['token.issued', 'token.deleted']);
  });

  it('when tokens span several pages, then all are listed', async () => {
    const og = targetOg().uuid;
    const client = basicClient(sim, TARGET, { pageSize: 2 });
    for (let i = 0; i < 3; i++) {
      await client.issueRegistrationToken(og, {
        userUuid: userUuid('ali@corp.example'),
        serialNumber: 'ANDLEG0003',
        platform: 'android',
      });
    }
    const tokens = await client.listRegistrationTokens(og, 'ANDLEG0003');
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens.map((t) => t.uuid)).size).toBe(3);
    expect(tokens.every((t) => t.platform === 5)).toBe(true);
    expect(sim.ledger({ kind: 'token.issued', serialNumber: 'ANDLEG0003' })).toHaveLength(3);
  });

  it('when the user uuid is unknown, then InvalidRequest (non-retryable)', async () => {
    const err = await rejectionOf(
      target.issueRegistrationToken(targetOg().uuid, {
        userUuid: 'nope',
        serialNumber: 'X1',
        platform: 'ios',
      }),
    );
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(NON_RETRYABLE_CLIENT_ERROR_TYPES).toContain((err as InvalidRequestError).type);
    expect((err as InvalidRequestError).status).toBe(400);
  });
});

describe('Apple ADE', () => {
  it('when profiles span pages, then all come back with named staging modes', async () => {
    const client = basicClient(sim, TARGET, { pageSize: 2 });
    const profiles = await client.listAdeProfiles(targetOg().uuid);
    expect(profiles.map((p) => [p.name, p.stagingMode])).toEqual([
      ['Ferry ADE', 'SingleUserDevice'],
      ['Legacy ADE', 'Disabled'],
      ['Shared iPads', 'MultiUserDevice'],
    ]);
    expect(profiles[0]).toMatchObject({
      authenticationRequired: false,
      defaultStagingUser: 'ade-staging',
      autoAssignDefaultProfile: true,
    });
    sim.state.quirks.stagingModeFormat = 'name';
    const one = await target.getAdeProfile(profiles[2]!.uuid);
    expect(one).toMatchObject({
      name: 'Shared iPads',
      stagingMode: 'MultiUserDevice',
      autoAssignDefaultProfile: false,
    });
    expect(await rejectionOf(target.getAdeProfile('missing'))).toBeInstanceOf(NotFoundError);
  });

  it('when ADE devices are synced to the OG, then they are listed with their profile', async () => {
    const devices = await target.listAdeDevices(targetOg().uuid);
    expect(devices).toEqual([
      {
        serialNumber: 'IOSADE0002',
        profileUuid: expect.any(String),
        profileName: 'Ferry ADE',
        enrollmentStatus: 'Unenrolled',
      },
      {
        serialNumber: 'UNASSIGNED01',
        profileUuid: undefined,
        profileName: undefined,
        enrollmentStatus: 'Unenrolled',
      },
    ]);
  });
});

describe('cross-tenant device behaviour', () => {
  it('when the source retires a device with a valid token, then it enrolls in the target for the token user', async () => {
    await target.issueRegistrationToken(targetOg().uuid, {
      userUuid: userUuid('jane.doe@corp.example'),
      serialNumber: 'IOSSTD0001',
      platform: 'ios',
    });
    slowWipe('IOSSTD0001');
    await source.enterpriseWipe('IOSSTD0001');
    expect((await source.findDevice('Serialnumber', 'IOSSTD0001'))?.enrollmentStatus).toBe(
      'EnterpriseWipePending',
    );
    await eventually(async () =>
      (await source.findDevice('Serialnumber', 'IOSSTD0001'))?.enrollmentStatus === 'Unenrolled'
        ? true
        : undefined,
    );
    const enrolled = await eventually(async () => (await target.findDevicesBySerials(['IOSSTD0001']))[0]);
    expect(enrolled).toMatchObject({ enrollmentStatus: 'Enrolled', userName: 'jdoe', enrolledViaDep: false });
    expect(sim.ledger({ serialNumber: 'IOSSTD0001' }).map((e) => `${e.tenant}:${e.kind}`)).toEqual([
      `${TARGET}:token.issued`,
      `${SOURCE}:command.EnterpriseWipe`,
      `${TARGET}:device.enrolled`,
    ]);
  });

  it('when the only token has expired, then enrollment is refused until a new token is issued', async () => {
    sim.tenant(TARGET).tokenLifetimeMs = 30;
    const request = {
      userUuid: userUuid('ali@corp.example'),
      serialNumber: 'ANDLEG0003',
      platform: 'android',
    } as const;
    await target.issueRegistrationToken(targetOg().uuid, request);
    await source.enterpriseWipe('ANDLEG0003');
    await sleep(250);
    expect(await target.findDevice('Serialnumber', 'ANDLEG0003')).toBeUndefined();
    sim.tenant(TARGET).tokenLifetimeMs = 60_000;
    await target.issueRegistrationToken(targetOg().uuid, request);
    const device = await eventually(() => target.findDevice('Serialnumber', 'ANDLEG0003'));
    expect(device).toMatchObject({ enrollmentStatus: 'Enrolled', userEmail: 'ali@corp.example' });
    expect(sim.ledger({ kind: 'device.enrolled' })).toHaveLength(1);
  });

  it('when an ADE device is erased (switch quirk: single-staging-too), then it enrolls to the staging user and is switched to the real user', async () => {
    sim.state.quirks.stagingUserSwitch = 'single-staging-too';
    slowWipe('IOSADE0002');
    const sourceDevice = await source.findDevice('Serialnumber', 'IOSADE0002');
    await source.deviceWipe(sourceDevice!.uuid!);
    expect((await source.findDevice('Serialnumber', 'IOSADE0002'))?.enrollmentStatus).toBe(
      'DeviceWipePending',
    );
    const staged = await eventually(() => target.findDevice('Serialnumber', 'IOSADE0002'));
    expect(staged).toMatchObject({
      enrollmentStatus: 'Enrolled',
      userName: 'ade-staging',
      enrolledViaDep: true,
    });
    const realUser = (await target.findUserByEmail('sam.ade@corp.example'))!;
    await target.assignEnrollmentUser(staged.id, realUser.id);
    expect(await target.findDevice('Serialnumber', 'IOSADE0002')).toMatchObject({
      userId: realUser.id,
      userName: 'sade',
    });
    const again = await rejectionOf(target.assignEnrollmentUser(staged.id, realUser.id));
    expect(again).toBeInstanceOf(StagingUserSwitchRefusedError);
    expect(again).toBeInstanceOf(InvalidRequestError);
    expect(sim.ledger({ kind: 'enrollmentUser.assigned' })).toHaveLength(1);
  });

  it('when an Android device is erased, then it enrolls fully managed to the user with its email', async () => {
    const sourceDevice = await source.findDevice('Serialnumber', 'ANDFM00004');
    await source.deviceWipe(sourceDevice!.uuid!);
    const device = await eventually(() => target.findDevice('Serialnumber', 'ANDFM00004'));
    expect(device).toMatchObject({
      enrollmentStatus: 'Enrolled',
      userEmail: 'fm.user@corp.example',
      platform: 'Android',
    });
  });

  it('when a device never enrolls, then it stays absent from the target even with a valid token', async () => {
    await target.issueRegistrationToken(targetOg().uuid, {
      userUuid: userUuid('jane.doe@corp.example'),
      serialNumber: 'NEVER00005',
      platform: 'ios',
    });
    await source.enterpriseWipe('NEVER00005');
    await sleep(200);
    expect(await target.findDevice('Serialnumber', 'NEVER00005')).toBeUndefined();
    expect((await source.findDevice('Serialnumber', 'NEVER00005'))?.enrollmentStatus).toBe('Unenrolled');
    expect(await rejectionOf(source.enterpriseWipe('NEVER00005'))).toBeInstanceOf(InvalidRequestError);
  });
});

describe('authentication', () => {
  it('when the password or the tenant code is wrong, then Unauthorized without secrets in the message', async () => {
    const wrongPassword = new WorkspaceOneClient({
      baseUrl: sim.url,
      tenantCode: TARGET,
      auth: { kind: 'basic', username: BASIC.username, password: 'wrong-password' },
    });
    const err = await rejectionOf(wrongPassword.findUserByEmail('jane.doe@corp.example'));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toMatchObject({
      type: 'Unauthorized',
      name: 'Unauthorized',
      status: 401,
      service: 'Workspace ONE',
    });
    expect(err.message).toMatch(/^Workspace ONE GET \/API\/system\/users\/search: HTTP 401/);
    expect(err.message).not.toMatch(/jane|wrong-password|ferry-api|\?/);
    const wrongTenant = basicClient(sim, 'NO-SUCH-TENANT');
    expect(await rejectionOf(wrongTenant.getOrganizationGroup('tgt-corp'))).toBeInstanceOf(UnauthorizedError);
  });

  it('when OAuth is used, then the token is cached and refreshed once after a 401', async () => {
    const client = oauthClient(sim, TARGET);
    await client.getOrganizationGroup('tgt-corp');
    await client.getOrganizationGroup('tgt-corp');
    expect(sim.oauthTokensIssued()).toBe(1);
    sim.revokeOAuthTokens();
    await client.getOrganizationGroup('tgt-corp');
    expect(sim.oauthTokensIssued()).toBe(2);
  });

  it('when the fresh token is refused too, then Unauthorized after exactly one refresh', async () => {
    const client = oauthClient(sim, SOURCE); // the OAuth client belongs to the target tenant
    expect(await rejectionOf(client.findDevice('Serialnumber', 'IOSSTD0001'))).toBeInstanceOf(
      UnauthorizedError,
    );
    expect(sim.oauthTokensIssued()).toBe(2);
  });

  it('when the client secret is wrong, then Unauthorized from the token endpoint', async () => {
    const client = new WorkspaceOneClient({
      baseUrl: sim.url,
      tenantCode: TARGET,
      auth: {
        kind: 'oauth',
        tokenUrl: `${sim.url}/connect/token`,
        clientId: 'ferry-client',
        clientSecret: 'nope',
      },
    });
    const err = await rejectionOf(client.getOrganizationGroup('tgt-corp'));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).toMatch(/POST \/connect\/token/);
    expect(err.message).not.toMatch(/nope/);
  });
});

describe('throttling and faults', () => {
  /** One attempt a call: what a single fault becomes, before the retries (tested below) hide it. */
  const once = (extra = {}) => basicClient(sim, TARGET, { retry: { maxAttempts: 1 }, ...extra });

  it('when the tenant rate limit is exceeded, then RateLimited carries the Retry-After delay', async () => {
    sim.setRateLimit(TARGET, { perMinute: 2 });
    await target.getOrganizationGroup('tgt-corp');
    await target.getOrganizationGroup('tgt-corp');
    const err = await rejectionOf(target.getOrganizationGroup('tgt-corp'));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(60_000);
    expect(NON_RETRYABLE_CLIENT_ERROR_TYPES).not.toContain((err as RateLimitedError).type);
    await source.findDevice('Serialnumber', 'IOSSTD0001'); // other tenants are not limited
  });

  it('when Retry-After is an HTTP date, then the delay is computed from it', async () => {
    sim.state.quirks.retryAfterFormat = 'http-date';
    sim.setRateLimit(TARGET, { perMinute: 1, windowMs: 10_000 });
    await target.getOrganizationGroup('tgt-corp');
    const err = (await rejectionOf(target.getOrganizationGroup('tgt-corp'))) as RateLimitedError;
    expect(err.retryAfterMs).toBeGreaterThan(7_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('when a body has wrong field types, then InvalidResponse names the field path', async () => {
    sim.setFaults({ malformedRate: 1, pathPattern: 'users/search' });
    const err = await rejectionOf(once().findUserByEmail('jane.doe@corp.example'));
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect(err.message).toContain('Workspace ONE GET /API/system/users/search: ');
    expect(err.message).toContain('Users.0.Email: expected string');
    expect(err.message).not.toMatch(/jane/i);
    expect(NON_RETRYABLE_CLIENT_ERROR_TYPES).not.toContain('InvalidResponse');
  });

  it('when the server hangs, then the attempt times out with Transient', async () => {
    sim.setFaults({ hangRate: 1 });
    const client = once({ timeoutMs: 150 });
    const started = Date.now();
    const err = await rejectionOf(client.getOrganizationGroup('tgt-corp'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('no response within 150 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('when the connection is reset, then Transient', async () => {
    sim.setFaults({ resetRate: 1 });
    const err = await rejectionOf(once().findDevice('Serialnumber', 'IOSSTD0001'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('connection reset');
  });

  it('when the server answers 5xx, then Transient with the status and activity id', async () => {
    sim.setFaults({ serverErrorRate: 1 });
    const err = (await rejectionOf(once().listAdeDevices(targetOg().uuid))) as TransientError;
    expect(err).toBeInstanceOf(TransientError);
    expect([500, 502, 503]).toContain(err.status);
    expect(err.requestId).toEqual(expect.any(String));
    sim.setFaults({ serverErrorRate: 0 });
    expect(await target.listAdeDevices(targetOg().uuid)).toHaveLength(2);
  });
});
