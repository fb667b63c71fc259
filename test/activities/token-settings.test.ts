/** Declared token settings checked against the tokens the target really issues (simulator over HTTP). */
import type { IssueTokenInput } from '../../src/activities/device/registration-token';
import { EXPIRY_TOLERANCE_MS, tokenSettingsProblems } from '../../src/activities/device/token-settings';
import type { DeclaredTokenSettings } from '../../src/workflows/device/messages';
import { JANE, TARGET, failureOf, run, visibleText, worldPerTest } from './fixture';

const world = worldPerTest();

const SERIAL = 'IOSSTD0001';
const HOUR = 3_600_000;
const liveTokens = () =>
  world.sim.tenant(TARGET).tokens.filter((t) => t.serialNumber === SERIAL && t.deletedAt === undefined);

async function tokenInput(declared: DeclaredTokenSettings): Promise<IssueTokenInput> {
  const user = await run(world.activities.lookupTargetUser, { email: JANE });
  return { migrationId: 'mig-1', serialNumber: SERIAL, platform: 'ios', user: user!, declared };
}

describe('issueRegistrationToken with declared token settings', () => {
  it('when the target issues what was declared, then the token stands', async () => {
    // The simulator's tenant defaults: 8 characters, valid 24 hours.
    const issued = await run(
      world.activities.issueRegistrationToken,
      await tokenInput({
        registrationTokenLength: 8,
        tokenExpirationHours: 24,
        registrationTokenType: 'single_factor',
      }),
    );
    expect(issued.reused).toBe(false);
    expect(liveTokens()).toHaveLength(1);
  });

  it('when the target uses another token length, then the failure names the setting and the token is withdrawn', async () => {
    world.sim.tenant(TARGET).tokenLength = 10;
    const failure = await failureOf(
      run(world.activities.issueRegistrationToken, await tokenInput({ registrationTokenLength: 8 })),
    );
    expect(failure.type).toBe('TokenSettingsMismatch');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('Registration Token Length: the token has 10 characters, declared 8');
    const [withdrawn] = world.sim.tenant(TARGET).tokens.filter((t) => t.serialNumber === SERIAL);
    expect(visibleText(failure)).not.toContain(withdrawn!.value);
    // A retry after the fix must issue a token under the right settings, not reuse this one.
    expect(liveTokens()).toEqual([]);
    expect(world.sim.ledger({ tenant: TARGET, serialNumber: SERIAL }).map((e) => e.kind)).toEqual([
      'token.issued',
      'token.deleted',
    ]);
  });

  it('when the target keeps tokens for another time, then the failure names Token Expiration Time', async () => {
    world.sim.tenant(TARGET).tokenLifetimeMs = 72 * HOUR;
    const failure = await failureOf(
      run(world.activities.issueRegistrationToken, await tokenInput({ tokenExpirationHours: 24 })),
    );
    expect(failure.type).toBe('TokenSettingsMismatch');
    expect(failure.message).toBe(
      'Token Expiration Time: the token expires 72 hours after it was issued, declared 24 hours',
    );
  });

  it('when a retry finds the token an earlier attempt issued, then that token is checked too', async () => {
    world.sim.tenant(TARGET).tokenLength = 10;
    // The earlier attempt issued the token and failed before its check (no declaration then).
    const first = await run(world.activities.issueRegistrationToken, await tokenInput({}));
    expect(first.reused).toBe(false);
    const failure = await failureOf(
      run(world.activities.issueRegistrationToken, await tokenInput({ registrationTokenLength: 8 })),
    );
    expect(failure.type).toBe('TokenSettingsMismatch');
    expect(failure.message).toBe('Registration Token Length: the token has 10 characters, declared 8');
    expect(liveTokens()).toEqual([]);
  });

  it('when only untestable settings are declared, then the token is not checked', async () => {
    world.sim.tenant(TARGET).tokenLength = 12;
    const issued = await run(
      world.activities.issueRegistrationToken,
      await tokenInput({ enrollmentMode: 'registered_devices_only', requireRegistrationToken: true }),
    );
    expect(issued.reused).toBe(false);
    expect(liveTokens()).toHaveLength(1);
  });
});

describe('tokenSettingsProblems', () => {
  const issuedAt = Date.parse('2027-01-01T00:00:00Z');

  it('when the token has characters other than letters and digits, then that is named', () => {
    expect(
      tokenSettingsProblems(
        { registrationTokenLength: 8 },
        { value: 'AB-CD_EF', issuedAt, expiresAt: issuedAt },
      ),
    ).toEqual(['Registration Token Length: the token has characters other than letters and digits']);
  });

  it('when the expiry is off by less than the tolerance, then it matches; by more, it differs', () => {
    const declared = { tokenExpirationHours: 48 };
    const at = (offset: number) => ({ issuedAt, expiresAt: issuedAt + 48 * HOUR + offset });
    expect(tokenSettingsProblems(declared, at(EXPIRY_TOLERANCE_MS))).toEqual([]);
    expect(tokenSettingsProblems(declared, at(-EXPIRY_TOLERANCE_MS))).toEqual([]);
    expect(tokenSettingsProblems(declared, at(EXPIRY_TOLERANCE_MS + 60_000))).toHaveLength(1);
  });

  it('when the target shows no value or no expiry, then what cannot be read is not judged', () => {
    expect(
      tokenSettingsProblems({ registrationTokenLength: 8, tokenExpirationHours: 24 }, { issuedAt }),
    ).toEqual([]);
  });
});
