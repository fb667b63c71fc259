export type SourceCommand = 'retire' | 'erase';

/**
 * The device a source command is for, as the device list names it: its serial number, and the source's
 * own id and the UDID where the list gave them. A command goes only to a record read back from the
 * source that matches every one of these that is known.
 */
export interface SourceDeviceRef {
  serialNumber: string;
  sourceDeviceId?: string;
  udid?: string;
}

/**
 * The tenant devices leave. One adapter per source product; absent for a manual migration. A command
 * the source answers with no, or a device the adapter cannot tell apart from another (two records match,
 * or the record read back is not the listed one), is a SourceRefusedError (from ./errors).
 */
export interface SourceUem {
  readonly name: string;
  /** Sends the command unless the source already shows it pending or done (look before you act). */
  sendCommand(device: SourceDeviceRef, command: SourceCommand): Promise<{ sent: boolean; state: string }>;
  removalState(device: SourceDeviceRef): Promise<{ removed: boolean; state: string }>;
}

/** Serial numbers and ids as sources compare them: case and surrounding blanks do not count. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toUpperCase() === b.trim().toUpperCase();
}

/**
 * Why a record the source returned for `device` is not that device, or undefined when it is: the serial
 * must match, and so must the source id and the UDID where both the list and the record have one.
 */
export function mismatchOf(
  device: SourceDeviceRef,
  record: { serialNumber: string; id: string; udid?: string },
): string | undefined {
  if (!sameId(record.serialNumber, device.serialNumber)) return 'its serial number differs';
  if (device.sourceDeviceId && !sameId(record.id, device.sourceDeviceId)) {
    return `its id ${record.id} is not the device list's source_device_id ${device.sourceDeviceId}`;
  }
  if (device.udid && record.udid && !sameId(record.udid, device.udid)) {
    return "its UDID is not the device list's udid";
  }
  return undefined;
}
