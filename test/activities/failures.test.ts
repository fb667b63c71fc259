/**
 * Client errors leave the activities as typed ApplicationFailures (withTypedFailures): the type the
 * workflow's retry policy reads, Retry-After as the next delay, and no secret in anything visible.
 */
import { createMigrationActivities } from '../../src/activities/device';
import { WorkspaceOneClient } from '../../src/services/workspace-one';
import {
  CREDENTIALS,
  JANE,
  TARGET,
  TARGET_OG,
  client,
  failureOf,
  run,
  worldPerTest,
  visibleText,
} from './fixture';

const world = worldPerTest();

/** What must never appear in a failure: the user's email, credentials, the tenant code, token values. */
function secrets(): string[] {
  const basic = Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64');
  const tokens = world.sim.tenant(TARGET).tokens.map((t) => t.value);
  return [JANE, 'jane.doe', CREDENTIALS.password, basic, TARGET, 'wrong-password', ...tokens];
}

function expectNoSecrets(text: string): void {
  for (const secret of secrets()) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
}

const activitiesOver = (target: WorkspaceOneClient) =>
  createMigrationActivities({ target, targetGroupId: TARGET_OG, notifier: world.notifier });

describe('typed failures', () => {
  it('when the target answers 429, then RateLimited, retryable, with Retry-After as the next retry delay', async () => {
    world.sim.setRateLimit(TARGET, { perMinute: 1, windowMs: 7_000 });
    await run(world.activities.lookupTargetUser, { email: JANE });

    const failure = await failureOf(run(world.activities.lookupTargetUser, { email: JANE }));

    expect(failure.type).toBe('RateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(7_000);
    expect(failure.details).toEqual([expect.objectContaining({ service: 'Workspace ONE', status: 429 })]);
    expectNoSecrets(visibleText(failure));
  });

  it('when the credentials are wrong, then Unauthorized and not retryable', async () => {
    const wrong = activitiesOver(client(world.sim, TARGET, 'wrong-password'));

    const lookup = await failureOf(run(wrong.lookupTargetUser, { email: JANE }));
    const issue = await failureOf(
      run(wrong.issueRegistrationToken, {
        migrationId: 'mig-1',
        serialNumber: 'IOSSTD0001',
        platform: 'ios',
        user: { id: 1, uuid: 'u', userName: 'jdoe' },
      }),
    );

    for (const failure of [lookup, issue]) {
      expect(failure.type).toBe('Unauthorized');
      expect(failure.nonRetryable).toBe(true);
      expectNoSecrets(visibleText(failure));
    }
  });

  it('when an OAuth client secret is wrong, then Unauthorized and not retryable', async () => {
    const oauth = new WorkspaceOneClient({
      baseUrl: world.sim.url,
      tenantCode: TARGET,
      auth: {
        kind: 'oauth',
        tokenUrl: `${world.sim.url}/connect/token`,
        clientId: 'ferry',
        clientSecret: 'nope',
      },
      timeoutMs: 2_000,
    });

    const failure = await failureOf(run(activitiesOver(oauth).checkAndroidEnterprise));

    expect(failure.type).toBe('Unauthorized');
    expect(failure.nonRetryable).toBe(true);
    expect(visibleText(failure)).not.toContain('nope');
  });

  it('when the body does not match the schema, then InvalidResponse, retryable', async () => {
    world.sim.setFaults({ malformedRate: 1, pathPattern: '^/system/users/search' });

    const failure = await failureOf(run(world.activities.lookupTargetUser, { email: JANE }));

    expect(failure.type).toBe('InvalidResponse');
    expect(failure.nonRetryable).toBe(false);
    expectNoSecrets(visibleText(failure));
  });

  it('when the token read-back is malformed, then the user is not notified and no token leaks', async () => {
    const user = await run(world.activities.lookupTargetUser, { email: JANE });
    await run(world.activities.issueRegistrationToken, {
      migrationId: 'mig-1',
      serialNumber: 'IOSSTD0001',
      platform: 'ios',
      user: user!,
    });
    world.sim.setFaults({ malformedRate: 1, pathPattern: 'enrollmenttoken/search' });

    const failure = await failureOf(
      run(world.activities.notifyUser, {
        migrationId: 'mig-1',
        serialNumber: 'IOSSTD0001',
        platform: 'ios',
        path: 'ios_standard',
        email: JANE,
        hasToken: true,
      }),
    );

    expect(failure.type).toBe('InvalidResponse');
    expect(world.notifier.sent).toHaveLength(0);
    expectNoSecrets(visibleText(failure));
  });

  it('when the target answers 5xx, then Transient, retryable', async () => {
    world.sim.setFaults({ serverErrorRate: 1 });

    const failure = await failureOf(run(world.activities.lookupTargetUser, { email: JANE }));

    expect(failure.type).toBe('Transient');
    expect(failure.nonRetryable).toBe(false);
    expectNoSecrets(visibleText(failure));
  });
});
