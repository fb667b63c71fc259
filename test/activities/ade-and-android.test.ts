/** ADE sync and profile checks (SPEC §2), and the Android Enterprise registration check. */
import { adeProfileProblems, stagingUserLabel } from '../../src/activities/device/ade';
import { ANDROID_ENTERPRISE_TTL_MS, TargetTenant } from '../../src/services/workspace-one/target-tenant';
import { PLAIN_OG, TARGET, TARGET_OG, failureOf, run, worldPerTest } from './fixture';

const world = worldPerTest();

describe('awaitAdeSync', () => {
  it('when the serial is not in the target ADE list, then a retryable AdeNotYetSynced', async () => {
    const failure = await failureOf(run(world.activities.awaitAdeSync, { serialNumber: 'NOTSYNCED1' }));
    expect(failure.type).toBe('AdeNotYetSynced');
    expect(failure.nonRetryable).toBe(false);
  });

  it('when the device is synced without a profile, then still AdeNotYetSynced', async () => {
    const failure = await failureOf(run(world.activities.awaitAdeSync, { serialNumber: 'ADENOPRF01' }));
    expect(failure.type).toBe('AdeNotYetSynced');
  });

  it('when the profile is as SPEC §2 asks, then it is named and has no problems', async () => {
    await expect(run(world.activities.awaitAdeSync, { serialNumber: ' iosade0004 ' })).resolves.toEqual({
      profileName: 'Ferry ADE',
      problems: [],
    });
  });

  it.each([
    ['ADEAUTH001', 'Auth On', /Authentication on/],
    ['ADEMULTI01', 'Shared iPads', /staging mode is MultiUserDevice, not single user device/],
    ['ADENOSTG01', 'No Staging User', /no Default Staging User/],
  ])(
    'when %s has profile "%s" with a wrong setting, then the one problem names it',
    async (serial, name, problem) => {
      const result = await run(world.activities.awaitAdeSync, { serialNumber: serial });

      expect(result.profileName).toBe(name);
      expect(result.problems).toEqual([expect.stringMatching(problem)]);
      expect(result.problems[0]).toContain(`"${name}"`);
    },
  );

  it('when the target writes staging modes as names, then a multi user profile is still caught', async () => {
    world.sim.state.quirks.stagingModeFormat = 'name';
    const result = await run(world.activities.awaitAdeSync, { serialNumber: 'ADEMULTI01' });
    expect(result.problems).toEqual([expect.stringMatching(/staging mode is MultiUserDevice/)]);
  });

  it('when no profile of the OG is assigned by default, then that is the problem', async () => {
    const plain = world.newActivities(PLAIN_OG);
    const result = await run(plain.awaitAdeSync, { serialNumber: 'ADEPLAIN01' });

    expect(result).toEqual({
      profileName: 'Plain ADE',
      problems: [expect.stringMatching(/no default ADE profile/)],
    });
  });
});

describe('the Default Staging User exists in the target', () => {
  /** The console's "delete user": the profiles still name it, the tenant no longer has it. */
  function deleteStagingUser(): void {
    const users = world.sim.tenant(TARGET).users;
    users.splice(
      users.findIndex((u) => u.userName === 'ade-staging'),
      1,
    );
  }

  it('when the default profile staging user exists, then checkAdeProfile finds no problem', async () => {
    await expect(run(world.activities.checkAdeProfile)).resolves.toEqual({ problems: [] });
  });

  it('when the default profile names a staging user the target no longer has, then checkAdeProfile says so', async () => {
    deleteStagingUser();
    const { problems } = await run(world.newActivities().checkAdeProfile);
    expect(problems).toEqual([
      'profile "Ferry ADE" Default Staging User "ade-staging" does not exist in the target',
    ]);
  });

  it("when a synced device's profile names a deleted staging user, then awaitAdeSync reports it", async () => {
    deleteStagingUser();
    const result = await run(world.newActivities().awaitAdeSync, { serialNumber: 'IOSADE0004' });
    expect(result).toEqual({
      profileName: 'Ferry ADE',
      problems: [expect.stringMatching(/Default Staging User "ade-staging" does not exist in the target/)],
    });
  });

  it('when many devices check the same profile, then its staging user is looked up once', async () => {
    const activities = world.newActivities();
    const before = world.targetRequests().length;
    await run(activities.checkAdeProfile);
    await run(activities.awaitAdeSync, { serialNumber: 'IOSADE0004' });
    await run(activities.checkAdeProfile);
    const lookups = world
      .targetRequests()
      .slice(before)
      .filter((r) => r.startsWith('GET /API/system/users/'));
    expect(lookups).toHaveLength(1);
  });
});

describe('adeProfileProblems', () => {
  it('when every setting is wrong, then each one is listed', () => {
    const problems = adeProfileProblems(
      {
        uuid: 'p',
        name: 'Bad',
        authenticationRequired: true,
        stagingMode: 'Disabled',
        autoAssignDefaultProfile: false,
      },
      false,
    );
    expect(problems).toEqual([
      expect.stringMatching(/Authentication on/),
      expect.stringMatching(/staging mode is Disabled/),
      expect.stringMatching(/no Default Staging User/),
      expect.stringMatching(/no default ADE profile/),
    ]);
  });

  it('when only a staging user id is known, then the staging user counts as set', () => {
    const profile = {
      uuid: 'p',
      name: 'Good',
      authenticationRequired: false,
      stagingMode: 'SingleUserDevice',
      defaultStagingUserId: 42,
      autoAssignDefaultProfile: true,
    };
    expect(adeProfileProblems(profile, true)).toEqual([]);
  });
});

describe('checkAndroidEnterprise', () => {
  it('when the target OG is registered with Google, then registered', async () => {
    await expect(run(world.activities.checkAndroidEnterprise)).resolves.toEqual({ registered: true });
  });

  it('when the target OG is not registered, then not registered (a 404 or an empty body alike)', async () => {
    const plain = world.newActivities(PLAIN_OG);
    await expect(run(plain.checkAndroidEnterprise)).resolves.toEqual({ registered: false });

    world.sim.state.quirks.androidWorkUnregistered = 'empty';
    await expect(run(plain.checkAndroidEnterprise)).resolves.toEqual({ registered: false });
  });
});

describe('the staging user in a message', () => {
  it('when the staging user name is an email address, then messages (and so sub-statuses) show its id or domain, never the address', () => {
    expect(stagingUserLabel({ defaultStagingUser: 'ade-staging', defaultStagingUserId: 7 })).toBe(
      '"ade-staging"',
    );
    expect(stagingUserLabel({ defaultStagingUser: 'stage.user@corp.example', defaultStagingUserId: 7 })).toBe(
      '#7',
    );
    expect(stagingUserLabel({ defaultStagingUser: 'stage.user@corp.example' })).toBe('"…@corp.example"');
    expect(stagingUserLabel({ defaultStagingUserId: 9 })).toBe('#9');
  });
});

describe('the target group Android Enterprise registration, shared by devices', () => {
  const androidWorkReads = () =>
    Object.entries(world.sim.state.requestCounts)
      .filter(([route]) => route.endsWith('/androidwork'))
      .reduce((n, [, count]) => n + count, 0);

  it('when many devices check a registered group, then the target is read once for all of them', async () => {
    const activities = world.newActivities();
    const before = androidWorkReads();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => run(activities.checkAndroidEnterprise)),
    );
    expect(answers.every((a) => a.registered)).toBe(true);
    expect(androidWorkReads() - before).toBe(1);
  });

  it('when a group is not registered, then each check reads it again, so a registration made meanwhile is seen', async () => {
    const activities = world.newActivities(PLAIN_OG);
    const before = androidWorkReads();
    await expect(run(activities.checkAndroidEnterprise)).resolves.toEqual({ registered: false });
    await expect(run(activities.checkAndroidEnterprise)).resolves.toEqual({ registered: false });
    expect(androidWorkReads() - before).toBe(2);
  });

  it('when the group loses its registration, then the checks see it once the shared answer is a minute old', async () => {
    const tenant = new TargetTenant(world.target, TARGET_OG);
    await expect(tenant.androidEnterpriseRegistered(0)).resolves.toBe(true);
    for (const g of world.sim.state.tenants.get(TARGET)!.groups) delete g.androidWork;
    await expect(tenant.androidEnterpriseRegistered(ANDROID_ENTERPRISE_TTL_MS)).resolves.toBe(true);
    await expect(tenant.androidEnterpriseRegistered(ANDROID_ENTERPRISE_TTL_MS + 1)).resolves.toBe(false);
  });
});
