import { IntuneSource } from '../../src/services/intune';
import { iphone, rejectionOf, startEnv, type Env } from './fixture';

const at = '2026-11-20T07:00:00Z';
const ref = (serialNumber: string, sourceDeviceId?: string) =>
  sourceDeviceId ? { serialNumber, sourceDeviceId } : { serialNumber };

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
    expect(await source.sendCommand(ref('F2LX00000001'), 'retire')).toEqual({
      sent: true,
      state: 'retire pending',
    });
    expect(await source.sendCommand(ref('F2LX00000001'), 'retire')).toEqual({
      sent: false,
      state: 'retire pending',
    });
    expect(await source.sendCommand(ref('F2LX00000001'), 'erase')).toEqual({
      sent: false,
      state: 'retire pending',
    });
    expect(env.sim.actions().map((a) => [a.deviceId, a.action])).toEqual([['dev-0001', 'retire']]);
  });

  test('when erase is asked, then Graph receives a wipe that keeps nothing', async () => {
    env = await startEnv({ actionDelayMs: 60_000 });
    const result = await new IntuneSource(env.client).sendCommand(ref('F2LX00000002'), 'erase');
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
    expect((await source.sendCommand(ref('F2LX00000001'), 'retire')).sent).toBe(true);
    expect(await source.sendCommand(ref('UNKNOWN0001'), 'retire')).toEqual({
      sent: false,
      state: 'not on source',
    });
    expect(await source.removalState(ref('UNKNOWN0001'))).toEqual({ removed: true, state: 'not on source' });
    expect(env.sim.actions()).toHaveLength(1);
  });

  test('when the retire completes after the delay, then removalState flips to removed', async () => {
    // A manual clock: on the real one the pending read races the 300 ms delay on a busy machine.
    let now = Date.now();
    env = await startEnv({ actionDelayMs: 300, clock: () => now });
    const source = new IntuneSource(env.client);
    expect(await source.removalState(ref('F2LX00000000'))).toEqual({ removed: false, state: 'managed' });
    await source.sendCommand(ref('F2LX00000000'), 'retire');
    expect(await source.removalState(ref('F2LX00000000'))).toEqual({
      removed: false,
      state: 'retire pending',
    });
    now += 300;
    expect(await source.removalState(ref('F2LX00000000'))).toEqual({ removed: true, state: 'not on source' });
    expect(env.sim.device('dev-0000')).toBeUndefined();
  });

  test('when a still-listed record shows its wipe done, then it counts as removed and is not wiped again', async () => {
    const done = { actionName: 'wipe', actionState: 'done', startDateTime: at, lastUpdatedDateTime: at };
    env = await startEnv({ devices: [iphone(5, { deviceActionResults: [done] })] });
    const source = new IntuneSource(env.client);
    expect(await source.removalState(ref('F2LX00000005'))).toEqual({ removed: true, state: 'wipe done' });
    expect(await source.sendCommand(ref('F2LX00000005'), 'erase')).toEqual({
      sent: false,
      state: 'wipe done',
    });
    expect(env.sim.actions()).toHaveLength(0);
  });
});

/**
 * Graph answers a `$filter` it does not support with the whole list (microsoft-graph-docs-contrib issue
 * 235, microsoft-graph-explorer-v4 issue 3125). Each case runs with Graph honouring the serial filter
 * (the documented behaviour) and with the simulator set to ignore it.
 */
describe.each([
  ['Graph applies the serialNumber $filter', []],
  ['Graph ignores the serialNumber $filter', ['serialNumber']],
])('a command reaches only the device it names (%s)', (_mode, ignoredFilterFields) => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });
  const start = (devices = [0, 1, 2, 3, 4].map((i) => iphone(i))) =>
    startEnv({ devices, actionDelayMs: 60_000, quirks: { ignoredFilterFields } });

  test('when a retire and a wipe are sent, then only the matched devices receive them', async () => {
    env = await start();
    const source = new IntuneSource(env.client);
    // Intune compares serials without regard to case: the list's spelling may differ from Intune's.
    expect(await source.sendCommand(ref('f2lx00000002'), 'retire')).toEqual({
      sent: true,
      state: 'retire pending',
    });
    expect(await source.sendCommand(ref('F2LX00000004', 'dev-0004'), 'erase')).toEqual({
      sent: true,
      state: 'wipe pending',
    });
    expect(env.sim.actions().map((a) => [a.deviceId, a.action])).toEqual([
      ['dev-0002', 'retire'],
      ['dev-0004', 'wipe'],
    ]);
    // The other devices' pending actions say nothing about this one.
    expect(await source.removalState(ref('F2LX00000001'))).toEqual({ removed: false, state: 'managed' });
    expect(await source.sendCommand(ref('NOT-IN-INTUNE'), 'erase')).toEqual({
      sent: false,
      state: 'not on source',
    });
    expect(env.sim.actions()).toHaveLength(2);
  });

  test('when two records hold the serial and the list names neither, then nothing is sent and the admin is told why', async () => {
    const stale = iphone(9, { id: 'dev-stale', serialNumber: 'F2LX00000001' });
    env = await start([iphone(0), iphone(1), stale, iphone(2)]);
    const source = new IntuneSource(env.client);
    const err = await rejectionOf(source.sendCommand(ref('F2LX00000001'), 'erase'));
    expect(err.name).toBe('SourceDeviceNotMatched');
    expect(err.message).toBe(
      'Intune holds 2 records with this serial number (dev-0001, dev-stale) and the device list gives ' +
        'no source_device_id; nothing was sent. Delete the stale ones in Intune and retry, or cancel ' +
        'the device and migrate it again with the id of the one to wipe as source_device_id',
    );
    expect(env.sim.actions()).toEqual([]);
    // With the id from the device list, only that record is wiped.
    await source.sendCommand(ref('F2LX00000001', 'dev-stale'), 'erase');
    expect(env.sim.actions().map((a) => a.deviceId)).toEqual(['dev-stale']);
  });

  test('when the serial is held only under another id than the listed one, then nothing is sent', async () => {
    env = await start();
    const err = await rejectionOf(
      new IntuneSource(env.client).sendCommand(ref('F2LX00000003', 'dev-9999'), 'retire'),
    );
    expect(err.name).toBe('SourceDeviceNotMatched');
    expect(err.message).toContain(
      "Intune holds this serial number only as dev-0003, not as the device list's",
    );
    expect(env.sim.actions()).toEqual([]);
  });
});

function failed(actionName: string) {
  return { actionName, actionState: 'failed', startDateTime: at, lastUpdatedDateTime: at };
}
