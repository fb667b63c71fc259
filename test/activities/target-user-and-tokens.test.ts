/** Target user lookup, registration tokens and the user notification, against the simulator over HTTP. */
import type { IssueTokenInput } from '../../src/activities/device/registration-token';
import type { TargetUserRef } from '../../src/workflows/device/messages';
import { JANE, TARGET, TARGET_OG, activityLogs, run, worldPerTest } from './fixture';

const world = worldPerTest();

const SERIAL = 'IOSSTD0001';
const simUser = (email: string) =>
  world.sim.tenant(TARGET).users.find((u) => u.email.toLowerCase() === email.toLowerCase())!;
const liveTokens = (serial = SERIAL) =>
  world.sim.tenant(TARGET).tokens.filter((t) => t.serialNumber === serial && t.deletedAt === undefined);
const ledger = (kind: string, serialNumber = SERIAL) =>
  world.sim.ledger({ tenant: TARGET, kind, serialNumber });

async function jane(): Promise<TargetUserRef> {
  const user = await run(world.activities.lookupTargetUser, { email: JANE });
  if (!user) throw new Error('fixture: jane is a target user');
  return user;
}

async function tokenInput(extra: Partial<IssueTokenInput> = {}): Promise<IssueTokenInput> {
  return { migrationId: 'mig-1', serialNumber: SERIAL, platform: 'ios', user: await jane(), ...extra };
}

describe('lookupTargetUser', () => {
  it('when the email differs in case and is padded with spaces, then the target user comes back', async () => {
    const found = await run(world.activities.lookupTargetUser, { email: '  JANE.DOE@corp.EXAMPLE ' });
    const expected = simUser(JANE);
    expect(found).toEqual({ id: expected.id, uuid: expected.uuid, userName: 'jdoe' });
  });

  it('when no target user has the email, then the answer is null and the log does not name the email', async () => {
    const before = activityLogs.length;
    await expect(
      run(world.activities.lookupTargetUser, { email: 'nobody@corp.example' }),
    ).resolves.toBeNull();
    const logged = activityLogs.slice(before);
    expect(logged.map((e) => e.message)).toContain('target user not found');
    expect(JSON.stringify(logged.map((e) => [e.message, e.meta]))).not.toContain('nobody@corp.example');
  });
});

describe('issueRegistrationToken', () => {
  it('when issued, then one token exists and the expiry returned is the one the target holds', async () => {
    const issued = await run(world.activities.issueRegistrationToken, await tokenInput());

    expect(ledger('token.issued')).toHaveLength(1);
    const [token] = liveTokens();
    expect(token?.userId).toBe(simUser(JANE).id);
    expect(issued).toEqual({ expiresAt: new Date(token!.expiresAt).toISOString(), reused: false });
    expect(JSON.stringify(issued)).not.toContain(token!.value);
  });

  it('when the activity is retried for the same serial and user, then the token is reused, not doubled', async () => {
    const input = await tokenInput();
    const first = await run(world.activities.issueRegistrationToken, input);
    const retry = await run(world.activities.issueRegistrationToken, input);

    expect(retry).toEqual({ expiresAt: first.expiresAt, reused: true });
    expect(ledger('token.issued')).toHaveLength(1);
    expect(ledger('token.deleted')).toHaveLength(0);
    expect(JSON.stringify(retry)).not.toContain(liveTokens()[0]!.value);
  });

  it('when replacing the current token, then it is deleted and one new token is issued, even on a retry', async () => {
    const first = await run(world.activities.issueRegistrationToken, await tokenInput());
    const [old] = liveTokens();
    world.advance(60_000);
    const seqBefore = world.sim.ledger().length;

    const replacement = await tokenInput({ replacing: first.expiresAt });
    const replaced = await run(world.activities.issueRegistrationToken, replacement);
    const retried = await run(world.activities.issueRegistrationToken, replacement);

    const since = world.sim.ledger({ tenant: TARGET, serialNumber: SERIAL }).filter((e) => e.seq > seqBefore);
    expect(since.map((e) => e.kind)).toEqual(['token.deleted', 'token.issued']);
    expect(since[0]?.detail?.tokenUuid).toBe(old!.uuid);
    expect(Date.parse(replaced.expiresAt!)).toBeGreaterThan(Date.parse(first.expiresAt!));
    expect(replaced.reused).toBe(false);
    expect(retried).toEqual({ expiresAt: replaced.expiresAt, reused: true });
    expect(liveTokens()).toHaveLength(1);
    expect(JSON.stringify([replaced, retried])).not.toContain(liveTokens()[0]!.value);
  });
});

describe('issueRegistrationToken when the token details leave fields out (all optional in the model)', () => {
  it('when status and enrollment_status are left out, then the token is issued and reused as usual', async () => {
    world.sim.state.quirks.tokenDetailsOmit = ['status', 'enrollment_status'];
    const input = await tokenInput();
    const first = await run(world.activities.issueRegistrationToken, input);
    const retry = await run(world.activities.issueRegistrationToken, input);

    expect(first).toEqual({ expiresAt: new Date(liveTokens()[0]!.expiresAt).toISOString(), reused: false });
    expect(retry).toEqual({ ...first, reused: true });
    expect(ledger('token.issued')).toHaveLength(1);
  });

  it('when the expiry is left out, then the token counts as not expiring: issued once, reused on a retry', async () => {
    world.sim.state.quirks.tokenDetailsOmit = ['expiration_date'];
    const input = await tokenInput();
    const first = await run(world.activities.issueRegistrationToken, input);
    const retry = await run(world.activities.issueRegistrationToken, input);

    expect(first).toEqual({ reused: false });
    expect(retry).toEqual({ reused: true });
    expect(ledger('token.issued')).toHaveLength(1);
    expect(liveTokens()).toHaveLength(1);
  });

  it('when a token without expiry is replaced, then it is deleted and a new one issued (never reused)', async () => {
    world.sim.state.quirks.tokenDetailsOmit = ['expiration_date'];
    await run(world.activities.issueRegistrationToken, await tokenInput());
    const [old] = liveTokens();

    const replaced = await run(world.activities.issueRegistrationToken, await tokenInput({ replace: true }));

    expect(replaced).toEqual({ reused: false });
    expect(ledger('token.deleted').map((e) => e.detail?.tokenUuid)).toEqual([old!.uuid]);
    expect(ledger('token.issued')).toHaveLength(2);
    expect(liveTokens()).toHaveLength(1);
  });
});

describe('revokeRegistrationTokens', () => {
  it('when a serial holds several tokens, then every one of them is deleted and other serials keep theirs', async () => {
    const og = world.sim.tenant(TARGET).groups.find((g) => g.groupId === TARGET_OG)!.uuid;
    const request = { userUuid: simUser(JANE).uuid, platform: 'ios' } as const;
    await world.target.issueRegistrationToken(og, { ...request, serialNumber: SERIAL });
    await world.target.issueRegistrationToken(og, { ...request, serialNumber: SERIAL });
    await world.target.issueRegistrationToken(og, { ...request, serialNumber: 'IOSSTD0002' });

    await expect(run(world.activities.revokeRegistrationTokens, { serialNumber: SERIAL })).resolves.toBe(2);

    expect(liveTokens()).toHaveLength(0);
    expect(ledger('token.deleted')).toHaveLength(2);
    expect(liveTokens('IOSSTD0002')).toHaveLength(1);
    await expect(run(world.activities.revokeRegistrationTokens, { serialNumber: SERIAL })).resolves.toBe(0);
  });
});

describe('notifyUser', () => {
  const notification = {
    migrationId: 'mig-1',
    serialNumber: SERIAL,
    platform: 'ios',
    path: 'ios_standard',
    email: JANE,
  } as const;

  it('when the device has a token, then the notifier gets the value the target holds and the result does not', async () => {
    await run(world.activities.issueRegistrationToken, await tokenInput());
    const [token] = liveTokens();

    const result = await run(world.activities.notifyUser, { ...notification, hasToken: true });

    expect(world.notifier.sent).toEqual([
      {
        to: JANE,
        serialNumber: SERIAL,
        platform: 'ios',
        path: 'ios_standard',
        registrationToken: token!.value,
      },
    ]);
    expect(Object.keys(result)).toEqual(['notifiedAt']);
    expect(JSON.stringify(result)).not.toContain(token!.value);
  });

  it('when the path has no token, then the notification carries none', async () => {
    await run(world.activities.notifyUser, { ...notification, hasToken: false });
    expect(world.notifier.sent).toHaveLength(1);
    expect(world.notifier.sent[0]?.registrationToken).toBeUndefined();
  });
});
