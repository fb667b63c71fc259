import { inventoryToDeviceList, readIntuneInventory, type IntuneDevice } from '../../src/services/intune';
import { iphone, startEnv, type Env } from './fixture';

function graphDevice(id: string, fields: Partial<IntuneDevice>): IntuneDevice {
  return {
    id,
    serialNumber: `SER-${id}`,
    deviceName: `${id}-name`,
    userPrincipalName: `${id}@corp.example`,
    emailAddress: `${id}@corp.example`,
    operatingSystem: 'iOS',
    model: 'iPhone 15',
    managedDeviceOwnerType: 'company',
    deviceEnrollmentType: 'unknown',
    isSupervised: false,
    deviceActionResults: [],
    ...fields,
  };
}

describe('inventoryToDeviceList', () => {
  test('when mapping an inventory, then kinds follow enrollment type and unsupported devices are reported', () => {
    const { devices, skipped } = inventoryToDeviceList(
      [
        graphDevice('ade', { deviceEnrollmentType: 'appleBulkWithUser', imei: '3567' }),
        graphDevice('ipad', { operatingSystem: 'iPadOS', deviceEnrollmentType: 'appleBulkWithoutUser' }),
        graphDevice('byod', { deviceEnrollmentType: 'userEnrollment', managedDeviceOwnerType: 'personal' }),
        graphDevice('wp', { operatingSystem: 'Android', managedDeviceOwnerType: 'personal' }),
        graphDevice('cope', { operatingSystem: 'Android', managedDeviceOwnerType: 'company' }),
        graphDevice('fm', { operatingSystem: 'Android' }),
        graphDevice('win', { operatingSystem: 'Windows', deviceEnrollmentType: 'windowsAzureADJoin' }),
        graphDevice('noserial', { serialNumber: '' }),
        graphDevice('nouser', { emailAddress: '', userPrincipalName: '' }),
      ],
      new Map([['fm', 'androidEnterpriseFullyManaged']]),
    );
    expect(devices.map((d) => [d.sourceDeviceId, d.platform, d.enrollmentKind])).toEqual([
      ['ade', 'ios', 'ade'],
      ['ipad', 'ios', 'ade'],
      ['byod', 'ios', 'standard'],
      ['wp', 'android', 'work_profile'],
      // A company-owned Android device whose enrollment type names no kind: the list must declare it.
      ['cope', 'android', 'unknown'],
      ['fm', 'android', 'fully_managed'],
    ]);
    expect(devices[0]).toEqual({
      serialNumber: 'SER-ade',
      platform: 'ios',
      enrollmentKind: 'ade',
      userEmail: 'ade@corp.example',
      sourceDeviceId: 'ade',
      imei: '3567',
      model: 'iPhone 15',
      friendlyName: 'ade-name',
    });
    expect(skipped).toEqual([
      { id: 'win', serialNumber: 'SER-win', operatingSystem: 'Windows', reason: 'unsupported platform' },
      { id: 'noserial', serialNumber: '', operatingSystem: 'iOS', reason: 'no serial number' },
      { id: 'nouser', serialNumber: 'SER-nouser', operatingSystem: 'iOS', reason: 'no user email' },
    ]);
  });
});

/**
 * The Android Enterprise values of `deviceEnrollmentType` are in Graph beta's enum only
 * (microsoft-graph-docs-contrib api-reference/beta/resources/intune-devices-deviceenrollmenttype.md);
 * what v1.0 shows for them is not documented: the simulator shows `unknown` by default, or the value as-is.
 */
describe.each([
  ['v1.0 shows beta-only enrollment types as unknown', 'unknown', []],
  ['v1.0 shows them as-is', 'as-is', []],
  ['Graph ignores the operatingSystem $filter', 'unknown', ['operatingSystem']],
] as const)('readIntuneInventory (%s)', (_mode, betaOnlyEnrollmentTypesOnV1, ignoredFilterFields) => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  const android = (i: number, deviceEnrollmentType: string, managedDeviceOwnerType = 'company') =>
    iphone(i, { operatingSystem: 'Android', model: 'Pixel 8', deviceEnrollmentType, managedDeviceOwnerType });

  test('when Intune holds Android devices, then their kind comes from Graph beta, or is unknown', async () => {
    env = await startEnv({
      devices: [
        iphone(0),
        android(1, 'androidEnterpriseFullyManaged'),
        android(2, 'androidEnterpriseCorporateWorkProfile'),
        android(3, 'androidEnterpriseDedicatedDevice'),
        android(4, 'userEnrollment', 'personal'),
        android(5, 'unknown'),
        android(6, 'androidAOSPUserOwnedDeviceEnrollment'),
      ],
      pageSize: 3,
      quirks: { betaOnlyEnrollmentTypesOnV1, ignoredFilterFields: [...ignoredFilterFields] },
    });
    const { devices, skipped } = await readIntuneInventory(env.client);
    expect(skipped).toEqual([]);
    expect(devices.map((d) => [d.sourceDeviceId, d.enrollmentKind])).toEqual([
      ['dev-0000', 'ade'],
      ['dev-0001', 'fully_managed'],
      ['dev-0002', 'work_profile'],
      ['dev-0003', 'fully_managed'],
      ['dev-0004', 'work_profile'],
      ['dev-0005', 'unknown'],
      ['dev-0006', 'unknown'],
    ]);
  });
});
