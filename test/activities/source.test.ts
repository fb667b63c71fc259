/** Commands to a Workspace ONE source tenant, only to the matched device, and the wait for it to leave. */
import { createMigrationActivities } from '../../src/activities/device';
import { COMMAND_DELAY_MS, SOURCE, TARGET_OG, failureOf, run, worldPerTest } from './fixture';

const world = worldPerTest();

const SERIAL = 'IOSSTD0001';
const commands = (name: string, serialNumber = SERIAL) =>
  world.sim.ledger({ tenant: SOURCE, kind: `command.${name}`, serialNumber });
const sourceStatus = (serial = SERIAL) => world.sim.device(SOURCE, serial)?.enrollmentStatus;

describe('sendSourceCommand', () => {
  it('when a retire is asked, then the source receives one EnterpriseWipe and shows it pending', async () => {
    const result = await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' });

    expect(result).toEqual({ sent: true, state: 'EnterpriseWipePending' });
    expect(commands('EnterpriseWipe')).toHaveLength(1);
    expect(commands('DeviceWipe')).toHaveLength(0);
    expect(sourceStatus()).toBe('EnterpriseWipePending');
  });

  it('when the retire is asked again while it is pending, then no second command is sent', async () => {
    await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' });
    const again = await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' });

    expect(again).toEqual({ sent: false, state: 'EnterpriseWipePending' });
    expect(commands('EnterpriseWipe')).toHaveLength(1);
  });

  it('when the device has already left the source, then a retried command sends nothing', async () => {
    await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' });
    world.advance(COMMAND_DELAY_MS);

    const again = await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' });

    expect(again).toEqual({ sent: false, state: 'Unenrolled' });
    expect(commands('EnterpriseWipe')).toHaveLength(1);
  });

  it('when an erase is asked, then the source receives one DeviceWipe, also when retried', async () => {
    const serialNumber = 'ANDLEG0005';
    const first = await run(world.activities.sendSourceCommand, { serialNumber, command: 'erase' });
    const retry = await run(world.activities.sendSourceCommand, { serialNumber, command: 'erase' });

    expect(first).toEqual({ sent: true, state: 'DeviceWipePending' });
    expect(retry).toEqual({ sent: false, state: 'DeviceWipePending' });
    expect(commands('DeviceWipe', serialNumber)).toHaveLength(1);
    expect(commands('EnterpriseWipe', serialNumber)).toHaveLength(0);
    expect(sourceStatus(serialNumber)).toBe('DeviceWipePending');
  });

  it('when the source does not know the serial, then nothing is sent', async () => {
    const result = await run(world.activities.sendSourceCommand, {
      serialNumber: 'UNKNOWN99',
      command: 'retire',
    });

    expect(result).toEqual({ sent: false, state: 'not on source' });
    expect(world.sim.ledger({ tenant: SOURCE })).toHaveLength(0);
  });

  it('when the worker has no source tenant, then the command fails as a non-retryable InvalidRequest', async () => {
    const manual = createMigrationActivities({
      target: world.target,
      targetGroupId: TARGET_OG,
      notifier: world.notifier,
    });

    const failure = await failureOf(
      run(manual.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' }),
    );

    expect(failure.type).toBe('InvalidRequest');
    expect(failure.nonRetryable).toBe(true);
  });
});

describe('sendSourceCommand: only to the device read back and matched', () => {
  const record = (serial = SERIAL) =>
    world.sim.tenant(SOURCE).devices.find((d) => d.serialNumber === serial)!;

  it('when the list gives the source id and UDID of the record, then the command is sent to it', async () => {
    record().udid = '6bf0f04c73681fbecfc3eb4f13cbf05b';
    const result = await run(world.activities.sendSourceCommand, {
      serialNumber: SERIAL.toLowerCase(),
      sourceDeviceId: String(record().id),
      udid: '6BF0F04C73681FBECFC3EB4F13CBF05B',
      command: 'retire',
    });

    expect(result).toEqual({ sent: true, state: 'EnterpriseWipePending' });
    expect(commands('EnterpriseWipe')).toHaveLength(1);
  });

  it("when the source's record for the serial has another id than the list's, then nothing is sent and an admin must look", async () => {
    const failure = await failureOf(
      run(world.activities.sendSourceCommand, {
        serialNumber: SERIAL,
        sourceDeviceId: String(record().id + 1000),
        command: 'erase',
      }),
    );

    expect(failure.type).toBe('SourceDeviceNotMatched');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(
      `its id ${record().id} is not the device list's source_device_id ${record().id + 1000}`,
    );
    expect(world.sim.ledger({ tenant: SOURCE, serialNumber: SERIAL })).toHaveLength(0);
    expect(sourceStatus()).toBe('Enrolled');
  });

  it('when the UDID differs, then nothing is sent', async () => {
    record().udid = '6bf0f04c73681fbecfc3eb4f13cbf05b';
    const failure = await failureOf(
      run(world.activities.sendSourceCommand, { serialNumber: SERIAL, udid: 'ffff', command: 'retire' }),
    );

    expect(failure.type).toBe('SourceDeviceNotMatched');
    expect(failure.message).toContain("its UDID is not the device list's udid");
    expect(commands('EnterpriseWipe')).toHaveLength(0);
  });

  it('when the record holding the serial is not the listed one, then the listed device does not count as removed', async () => {
    const failure = await failureOf(
      run(world.activities.awaitSourceRemoval, { serialNumber: SERIAL, sourceDeviceId: '999999' }),
    );

    expect(failure.type).toBe('SourceNotYetRemoved');
    expect(failure.message).toContain('another record holds the serial number');
  });
});

describe('awaitSourceRemoval', () => {
  it('when the retire is still pending, then a retryable SourceNotYetRemoved; once Unenrolled, it returns', async () => {
    await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'retire' });

    const pending = await failureOf(run(world.activities.awaitSourceRemoval, { serialNumber: SERIAL }));
    expect(pending.type).toBe('SourceNotYetRemoved');
    expect(pending.nonRetryable).toBe(false);

    // Halfway: the simulator's clock also runs with real time, so the HTTP calls need some of the rest.
    world.advance(COMMAND_DELAY_MS / 2);
    const stillPending = await failureOf(run(world.activities.awaitSourceRemoval, { serialNumber: SERIAL }));
    expect(stillPending.type).toBe('SourceNotYetRemoved');

    world.advance(COMMAND_DELAY_MS / 2);
    await expect(run(world.activities.awaitSourceRemoval, { serialNumber: SERIAL })).resolves.toEqual({
      sourceState: 'Unenrolled',
    });
  });

  it('when no command was sent, then the device is not removed', async () => {
    const failure = await failureOf(run(world.activities.awaitSourceRemoval, { serialNumber: SERIAL }));
    expect(failure.type).toBe('SourceNotYetRemoved');
    expect(sourceStatus()).toBe('Enrolled');
  });
});
