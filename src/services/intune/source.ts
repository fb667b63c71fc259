/**
 * Intune as Ferry's source UEM (`SourceUem`): retire = Graph `retire`, erase = Graph `wipe` (factory
 * reset, nothing kept). Looks before it acts: a record whose `deviceActionResults` already shows the
 * retire or wipe pending, active or done is not sent again, and a serial no longer in Intune counts as
 * removed.
 *
 * A command reaches only the device it names. Graph may ignore the serial `$filter` and return other
 * devices, so every record is read back by id and matched (serial, and the device list's
 * source_device_id and udid where known) before anything is sent; when more than one record still
 * matches, nothing is sent and the admin is told which id to put in the device list.
 */
import { mismatchOf, type SourceCommand, type SourceDeviceRef, type SourceUem } from '../shared/source-uem';
import { FailureType } from '../../workflows/failures';
import { isFerryClientError, SourceDeviceNotMatchedError, SourceRefusedError } from '../shared/errors';
import type { IntuneClient } from './client';
import type { IntuneActionResult, IntuneDevice } from './schemas';

/** Graph action names for Ferry's commands (the `actionName` in `deviceActionResults`). */
const ACTION_OF: Record<SourceCommand, string> = { retire: 'retire', erase: 'wipe' };
const REMOVAL_ACTIONS = ['retire', 'wipe'];
/** States in which sending again would only repeat the command. `failed`/`canceled` may be resent. */
const IN_FLIGHT_OR_DONE = ['pending', 'active', 'done'];

/** The newest retire/wipe result on the record, if any. */
function removalAction(device: IntuneDevice): IntuneActionResult | undefined {
  return device.deviceActionResults
    .filter((r) => REMOVAL_ACTIONS.includes(r.actionName.toLowerCase()))
    .sort((a, b) => (b.lastUpdatedDateTime ?? '').localeCompare(a.lastUpdatedDateTime ?? ''))[0];
}

const describe = (r: IntuneActionResult) => `${r.actionName} ${r.actionState}`;

export class IntuneSource implements SourceUem {
  readonly name = 'intune';

  constructor(private readonly client: IntuneClient) {}

  /** Acts on the one Intune record that is this device; refuses when it cannot tell which one that is. */
  async sendCommand(ref: SourceDeviceRef, command: SourceCommand): Promise<{ sent: boolean; state: string }> {
    const { records, others } = await this.matching(ref);
    if (records.length === 0 && others.length > 0) {
      // The serial is there, but under ids the device list does not name: not this device's record.
      throw new SourceDeviceNotMatchedError(
        `Intune holds this serial number only as ${others.join(', ')}, not as the device list's ` +
          'source_device_id; nothing was sent. Cancel the device and migrate it again with the right ' +
          'source_device_id',
      );
    }
    if (records.length === 0) return { sent: false, state: 'not on source' };
    if (records.length > 1) {
      const ids = records.map((r) => r.id).join(', ');
      throw new SourceDeviceNotMatchedError(
        `Intune holds ${records.length} records with this serial number (${ids}) and the device list ` +
          `gives no source_device_id; nothing was sent. Delete the stale ones in Intune and retry, or ` +
          `cancel the device and migrate it again with the id of the one to ${ACTION_OF[command]} as ` +
          'source_device_id',
      );
    }
    const [device] = records as [IntuneDevice];
    const action = removalAction(device);
    if (action && IN_FLIGHT_OR_DONE.includes(action.actionState.toLowerCase())) {
      return { sent: false, state: describe(action) };
    }
    try {
      if (command === 'retire') await this.client.retire(device.id);
      else await this.client.wipe(device.id, { keepEnrollmentData: false, keepUserData: false });
    } catch (err) {
      if (isFerryClientError(err) && err.type === FailureType.NotFound) {
        return { sent: false, state: 'not on source' };
      }
      // Graph answered and said no (e.g. a platform without that action): an admin must look.
      if (isFerryClientError(err) && err.type === FailureType.InvalidRequest) {
        throw new SourceRefusedError(err.message);
      }
      throw err;
    }
    return { sent: true, state: `${ACTION_OF[command]} pending` };
  }

  /** Removed when no matching record is left, or every matching record's retire/wipe is `done`. */
  async removalState(ref: SourceDeviceRef): Promise<{ removed: boolean; state: string }> {
    const { records } = await this.matching(ref);
    if (records.length === 0) return { removed: true, state: 'not on source' };
    const actions = records.map(removalAction);
    const removed = actions.every((a) => a?.actionState.toLowerCase() === 'done');
    const states = actions.map((a) => (a ? describe(a) : 'managed'));
    return { removed, state: [...new Set(states)].join(', ') };
  }

  /**
   * The records that are this device, each read back by id (so `deviceActionResults` is present) and
   * matched again on what that read returned; records gone meanwhile are dropped. `others`: the ids of
   * records with the serial that are not this device (another source_device_id).
   */
  private async matching(ref: SourceDeviceRef): Promise<{ records: IntuneDevice[]; others: string[] }> {
    const listed = await this.client.findBySerial(ref.serialNumber);
    const records: IntuneDevice[] = [];
    const others = listed.filter((d) => mismatchOf(ref, d) !== undefined).map((d) => d.id);
    for (const { id } of listed.filter((d) => mismatchOf(ref, d) === undefined)) {
      let device: IntuneDevice;
      try {
        device = await this.client.getDevice(id);
      } catch (err) {
        if (isFerryClientError(err) && err.type === FailureType.NotFound) continue;
        throw err;
      }
      if (device.id === id && mismatchOf(ref, device) === undefined) records.push(device);
      else others.push(id);
    }
    return { records, others };
  }
}
