import { IntuneSource, inventoryToDeviceList, type IntuneDevice } from '../../src/services/intune';
import { iphone, startEnv, type Env } from './fixture';

const at = '2026-11-20T07:00:00Z';

describe('IntuneSource (SourceUem) against the Intune simulator', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  test('when retire is asked twice while pending, then Graph receives one retire', async () => {
    env = await startEnv({ actionDelayMs: 60_000 });
    const source = new IntuneSource(env.client);
    expect(source.name).toBe('intune');
    expect(await source.sendCommand('F2LX00000001', 'retire')).toEqual({
      sent: true,
      state: 'retire pending',
    });
    expect(await source.sendCommand('F2LX00000001', 'retire')).toEqual({
      sent: false,
      state: 'retire pending',
    });
    expect(await source.sendCommand('F2LX00000001', 'erase')).toEqual({
      sent: false,
      state: 'retire pending',
    });
    expect(env.sim.actions().map((a) => [a.deviceId, a.action])).toEqual([['dev-0001', 'retire']]);
  });

  test('when erase is asked, then Graph receives a wipe that keeps nothing', async () => {
    env = await startEnv({ actionDelayMs: 60_000 });
    const result = await new IntuneSource(env.client).sendCommand('F2LX00000002', 'erase');
    expect(result).toEqual({ sent: true, state: 'wipe pending' });
    expect(env.sim.actions()).toMatchObject([
      { deviceId: 'dev-0002', action: 'wipe', body: { keepEnrollmentData: false, keepUserData: false } },
    ]);
  });

  test('when a previous retire failed, then it is sent again; when the serial is unknown, nothing is sent', async () => {
    env = await startEnv({
      devices: [iphone(1, { deviceActionResults: [failed('retire')] })],
      actionDelayMs: 60_000,
    });
    const source = new IntuneSource(env.client);
    expect((await source.sendCommand('F2LX00000001', 'retire')).sent).toBe(true);
    expect(await source.sendCommand('UNKNOWN0001', 'retire')).toEqual({
      sent: false,
      state: 'not on source',
    });
    expect(await source.removalState('UNKNOWN0001')).toEqual({ removed: true, state: 'not on source' });
    expect(env.sim.actions()).toHaveLength(1);
  });

  test('when the retire completes after the delay, then removalState flips to removed', async () => {
    // A manual clock: on the real one the pending read races the 300 ms delay on a busy machine.
    let now = Date.now();
    env = await startEnv({ actionDelayMs: 300, clock: () => now });
    const source = new IntuneSource(env.client);
    expect(await source.removalState('F2LX00000000')).toEqual({ removed: false, state: 'managed' });
    await source.sendCommand('F2LX00000000', 'retire');
    expect(await source.removalState('F2LX00000000')).toEqual({ removed: false, state: 'retire pending' });
    now += 300;
    expect(await source.removalState('F2LX00000000')).toEqual({ removed: true, state: 'not on source' });
    expect(env.sim.device('dev-0000')).toBeUndefined();
  });

  test('when a still-listed record shows its wipe done, then it counts as removed and is not wiped again', async () => {
    const done = { actionName: 'wipe', actionState: 'done', startDateTime: at, lastUpdatedDateTime: at };
    env = await startEnv({ devices: [iphone(5, { deviceActionResults: [done] })] });
    const source = new IntuneSource(env.client);
    expect(await source.removalState('F2LX00000005')).toEqual({ removed: true, state: 'wipe done' });
    expect(await source.sendCommand('F2LX00000005', 'erase')).toEqual({ sent: false, state: 'wipe done' });
    expect(env.sim.actions()).toHaveLength(0);
  });
});

function failed(actionName: string) {
  return { actionName, actionState: 'failed', startDateTime: at, lastUpdatedDateTime: at };
}

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
    const { devices, skipped } = inventoryToDeviceList([
      graphDevice('ade', { deviceEnrollmentType: 'appleBulkWithUser', imei: '3567' }),
      graphDevice('ipad', { operatingSystem: 'iPadOS', deviceEnrollmentType: 'appleBulkWithoutUser' }),
      graphDevice('byod', { deviceEnrollmentType: 'userEnrollment', managedDeviceOwnerType: 'personal' }),
      graphDevice('wp', { operatingSystem: 'Android', managedDeviceOwnerType: 'personal' }),
      graphDevice('cope', { operatingSystem: 'Android', managedDeviceOwnerType: 'company' }),
      graphDevice('fm', {
        operatingSystem: 'Android',
        deviceEnrollmentType: 'androidEnterpriseFullyManaged',
      }),
      graphDevice('win', { operatingSystem: 'Windows', deviceEnrollmentType: 'windowsAzureADJoin' }),
      graphDevice('noserial', { serialNumber: '' }),
      graphDevice('nouser', { emailAddress: '', userPrincipalName: '' }),
    ]);
    expect(devices.map((d) => [d.sourceDeviceId, d.platform, d.enrollmentKind])).toEqual([
      ['ade', 'ios', 'ade'],
      ['ipad', 'ios', 'ade'],
      ['byod', 'ios', 'standard'],
      ['wp', 'android', 'work_profile'],
      ['cope', 'android', 'work_profile'],
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
