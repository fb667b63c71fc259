import {
  MIGRATION_OPTION_FLAGS,
  MigrationOptionsError,
  migrationOptionsFromFlags,
  parseMigrationOptions,
} from '../../src/client/migration-options';
import { DEFAULT_DURATIONS, DEFAULT_MIGRATION_OPTIONS } from '../../src/workflows/device/messages';

function problemsOf(input: unknown): string[] {
  try {
    parseMigrationOptions(input);
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationOptionsError);
    return (err as MigrationOptionsError).problems;
  }
  throw new Error('expected the options to be rejected');
}

describe('parseMigrationOptions', () => {
  it('when nothing is given, then the defaults are returned', () => {
    expect(parseMigrationOptions(undefined)).toEqual(DEFAULT_MIGRATION_OPTIONS);
    expect(parseMigrationOptions({})).toEqual(DEFAULT_MIGRATION_OPTIONS);
  });

  it('when some options are given as text, then they are parsed and the rest default', () => {
    const options = parseMigrationOptions({
      iosAdeMethod: 'abm_deadline',
      userMatching: 'local_part',
      domainMap: ' Old.Example = new.example, a=b ',
      maxTokenReissues: '5',
      durations: { enrollmentTimeout: '7 days', enrollmentCheckInterval: '5m' },
    });
    expect(options).toEqual({
      ...DEFAULT_MIGRATION_OPTIONS,
      iosAdeMethod: 'abm_deadline',
      userMatching: 'local_part',
      domainMap: { 'old.example': 'new.example', a: 'b' },
      maxTokenReissues: 5,
      durations: { ...DEFAULT_DURATIONS, enrollmentTimeout: '7 days', enrollmentCheckInterval: '5m' },
    });
  });

  it('when the domain map is an object, then it is accepted and lower-cased', () => {
    const options = parseMigrationOptions({
      userMatching: 'local_part',
      domainMap: { 'OLD.example': 'New.example' },
    });
    expect(options.domainMap).toEqual({ 'old.example': 'new.example' });
  });

  it('when several options are bad, then every bad key is listed', () => {
    expect(
      problemsOf({
        iosAdeMethod: 'wipe',
        android: 'reset',
        source: 'jamf',
        maxTokenReissues: 21,
        colour: 'red',
        durations: { enrollmentTimeout: '14 dais', abmWait: '5', adeSyncTimeout: '0s', fooTimeout: '1m' },
      }),
    ).toEqual([
      'iosAdeMethod: "wipe" is not one of erase, standard, abm_deadline',
      'android: "reset" is not one of wipe_to_fully_managed, keep',
      'source: "jamf" is not one of workspace-one, intune, manual',
      'maxTokenReissues: must be a whole number from 0 to 20',
      'durations.abmWait: "5" needs a unit, e.g. "5m" or "5 days"',
      'durations.adeSyncTimeout: "0s" must be longer than zero',
      'durations.enrollmentTimeout: "14 dais" is not a duration, e.g. "14 days" or "10m"',
      'durations.fooTimeout: unknown option',
      'colour: unknown option',
    ]);
  });

  it('when local_part matching has no domain map, then the domain map is required', () => {
    expect(problemsOf({ userMatching: 'local_part' })).toEqual([
      'domainMap: is required to match users by local part, e.g. old.example=new.example',
    ]);
  });

  it('when domain map pairs are malformed, then each one is named', () => {
    expect(problemsOf({ domainMap: 'a@b=c,x,y=z=w,q=r,Q=s' })).toEqual([
      'domainMap: "a@b=c" maps a mail domain to a mail domain, no @',
      'domainMap: "x" must read old.example=new.example',
      'domainMap: "y=z=w" must read old.example=new.example',
      'domainMap: "q" is mapped twice',
    ]);
  });

  it('when a check interval is not shorter than its wait, then the interval is rejected', () => {
    expect(problemsOf({ durations: { enrollmentTimeout: '10m', abmCheckInterval: '30 days' } })).toEqual([
      'durations.abmCheckInterval: "30 days" must be shorter than the abm wait ("30 days")',
      'durations.enrollmentCheckInterval: "10 minutes" must be shorter than the enrollment timeout ("10m")',
    ]);
  });

  it('when token reissues are not a whole number from 0 to 20, then they are rejected', () => {
    expect(problemsOf({ maxTokenReissues: 'three' })).toEqual([
      'maxTokenReissues: "three" is not a whole number',
    ]);
    expect(problemsOf({ maxTokenReissues: -1 })).toEqual([
      'maxTokenReissues: must be a whole number from 0 to 20',
    ]);
    expect(parseMigrationOptions({ maxTokenReissues: 0 }).maxTokenReissues).toBe(0);
  });

  it('when the ABM options are given, then days are 1 to 90 and the switch reads flag words', () => {
    expect(migrationOptionsFromFlags({ 'abm-auto-assign': 'yes', 'abm-deadline-days': '90' })).toEqual(
      expect.objectContaining({ abmAutoAssign: true, abmDeadlineDays: 90 }),
    );
    expect(parseMigrationOptions({ abmAutoAssign: false }).abmAutoAssign).toBe(false);
    expect(problemsOf({ abmDeadlineDays: 91, abmAutoAssign: 'maybe' })).toEqual([
      'abmAutoAssign: "maybe" is not one of true, yes, on, false, no, off',
      'abmDeadlineDays: must be a whole number of days from 1 to 90',
    ]);
    expect(problemsOf({ abmDeadlineDays: '0' })).toEqual([
      'abmDeadlineDays: must be a whole number of days from 1 to 90',
    ]);
  });

  it('when no notice period is given, then there is none; when one is, it is a duration longer than zero', () => {
    expect(parseMigrationOptions({}).noticePeriod).toBeUndefined();
    expect(parseMigrationOptions({ noticePeriod: '2 days' }).noticePeriod).toBe('2 days');
    expect(problemsOf({ noticePeriod: '48' })).toEqual([
      'noticePeriod: "48" needs a unit, e.g. "48m" or "48 days"',
    ]);
    expect(problemsOf({ noticePeriod: 'soon' })).toEqual([
      'noticePeriod: "soon" is not a duration, e.g. "14 days" or "10m"',
    ]);
  });
});

describe('migrationOptionsFromFlags', () => {
  it('when flags are given, then they map to options and problems name the flags', () => {
    expect(MIGRATION_OPTION_FLAGS['enrollment-timeout']).toEqual({ type: 'string' });
    expect(migrationOptionsFromFlags({ android: 'wipe_to_fully_managed', 'abm-wait': '7d' })).toEqual({
      ...DEFAULT_MIGRATION_OPTIONS,
      android: 'wipe_to_fully_managed',
      durations: { ...DEFAULT_DURATIONS, abmWait: '7d' },
    });
    expect(migrationOptionsFromFlags({ 'notice-period': '3d' })).toEqual({
      ...DEFAULT_MIGRATION_OPTIONS,
      noticePeriod: '3d',
    });
    expect(() => migrationOptionsFromFlags({ 'notice-period': '0s' })).toThrow(
      /--notice-period: "0s" must be longer than zero/,
    );
    expect(() => migrationOptionsFromFlags({ 'ios-ade-method': 'x', 'failed-retention': 'soon' })).toThrow(
      /--ios-ade-method: "x" is not one of[\s\S]*--failed-retention: "soon" is not a duration/,
    );
  });
});

describe('declared token settings', () => {
  it("when token settings flags are given, then they are the migration's declaration; none: no declaration", () => {
    expect(
      migrationOptionsFromFlags({
        'registration-token-length': '8',
        'token-expiration-hours': '72',
        'registration-token-type': 'single_factor',
        'require-registration-token': 'yes',
        'enrollment-mode': 'registered_devices_only',
      }).tokenSettings,
    ).toEqual({
      registrationTokenLength: 8,
      tokenExpirationHours: 72,
      registrationTokenType: 'single_factor',
      requireRegistrationToken: true,
      enrollmentMode: 'registered_devices_only',
    });
    expect(migrationOptionsFromFlags({})).not.toHaveProperty('tokenSettings');
    expect(parseMigrationOptions({ tokenSettings: {} })).not.toHaveProperty('tokenSettings');
  });

  it("when a declared setting is out of the console's bounds, then the flag or key is named", () => {
    expect(() =>
      migrationOptionsFromFlags({ 'registration-token-length': '5', 'token-expiration-hours': '0' }),
    ).toThrow(
      /--registration-token-length: must be a whole number from 6 to 20[\s\S]*--token-expiration-hours: must be a whole number of hours, at least 1/,
    );
    expect(problemsOf({ tokenSettings: { tokenLength: 8, registrationTokenType: 'sms' } })).toEqual([
      'tokenSettings.registrationTokenType: "sms" is not one of single_factor, two_factor',
      'tokenSettings.tokenLength: unknown option',
    ]);
  });
});
