import {
  pathFor,
  reached,
  sourceCommandFor,
  targetEmailFor,
  usesToken,
} from '../../src/workflows/device/paths';
import { DEFAULT_MIGRATION_OPTIONS, type DeviceInput } from '../../src/workflows/device/messages';

const device = (
  platform: DeviceInput['platform'],
  enrollmentKind: DeviceInput['enrollmentKind'],
): DeviceInput => ({
  serialNumber: 'S1',
  platform,
  enrollmentKind,
  userEmail: 'a@b.example',
});

describe('pathFor', () => {
  test.each([
    ['ios', 'standard', {}, 'ios_standard'],
    ['ios', 'ade', {}, 'ios_ade_erase'],
    ['ios', 'ade', { iosAdeMethod: 'standard' }, 'ios_ade_standard'],
    ['ios', 'ade', { iosAdeMethod: 'abm_deadline' }, 'ios_ade_abm_deadline'],
    ['android', 'legacy', {}, 'android_token'],
    ['android', 'work_profile', {}, 'android_token'],
    ['android', 'fully_managed', {}, 'android_fully_managed'],
    ['android', 'work_profile', { android: 'wipe_to_fully_managed' }, 'android_fully_managed'],
  ] as const)('when %s/%s with %j, then the path is %s', (platform, kind, options, expected) => {
    expect(pathFor(device(platform, kind), { ...DEFAULT_MIGRATION_OPTIONS, ...options })).toBe(expected);
  });

  test('when a path wipes the device, then it uses no token and erases on the source', () => {
    expect([usesToken('ios_ade_erase'), sourceCommandFor('ios_ade_erase')]).toEqual([false, 'erase']);
    expect([usesToken('android_fully_managed'), sourceCommandFor('android_fully_managed')]).toEqual([
      false,
      'erase',
    ]);
    expect([usesToken('ios_ade_standard'), sourceCommandFor('ios_ade_standard')]).toEqual([true, 'retire']);
  });
});

describe('targetEmailFor', () => {
  test('when matching by email, then the address is only trimmed', () => {
    expect(targetEmailFor('  Jane@Old.example ', 'email', { 'old.example': 'new.example' })).toBe(
      'Jane@Old.example',
    );
  });

  test('when matching by local part, then the mapped domain replaces the old one, whatever its case', () => {
    expect(targetEmailFor('jane@OLD.example', 'local_part', { 'old.example': 'new.example' })).toBe(
      'jane@new.example',
    );
  });

  test('when the domain is not in the map, then the address stays as it was', () => {
    expect(targetEmailFor('jane@other.example', 'local_part', { 'old.example': 'new.example' })).toBe(
      'jane@other.example',
    );
  });
});

test('when a device failed, then it has reached no status; otherwise statuses follow the lifecycle', () => {
  expect(reached('reenrolling', 'started')).toBe(true);
  expect(reached('ready', 'started')).toBe(false);
  expect(reached('failed', 'getting_ready')).toBe(false);
});
