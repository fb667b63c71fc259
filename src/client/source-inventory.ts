import { csvText } from '../services/shared/csv';
import { readIntuneInventory } from '../services/intune';
import { inventoryToDeviceList as workspaceOneDeviceList } from '../services/workspace-one';
import type { FerryConfig } from '../config';
import { intuneClient, workspaceOneClient } from '../services/tenant-clients';
import { createLogger } from '../logger';
import type { DeviceInput } from '../workflows/device/messages';
import { UsageError } from './commands/command';

export const INVENTORY_SOURCES = ['intune', 'workspace-one'] as const;
export type InventorySource = (typeof INVENTORY_SOURCES)[number];

export function isInventorySource(value: string | undefined): value is InventorySource {
  return (INVENTORY_SOURCES as readonly (string | undefined)[]).includes(value);
}

/** A device the source holds that Ferry cannot migrate, and why. */
export interface SkippedSourceDevice {
  id: string;
  serialNumber: string;
  platform: string;
  reason: string;
}

export interface SourceInventory {
  devices: DeviceInput[];
  skipped: SkippedSourceDevice[];
}

/** The source tenant's inventory as Ferry's device list, the devices it cannot migrate named. */
export async function pullInventory(config: FerryConfig, source: InventorySource): Promise<SourceInventory> {
  const logger = createLogger({ level: 'silent' });
  if (source === 'intune') {
    if (!config.intune) {
      throw new UsageError('set INTUNE_TENANT_ID, INTUNE_CLIENT_ID and INTUNE_CLIENT_SECRET');
    }
    const { devices, skipped } = await readIntuneInventory(intuneClient(config.intune, logger));
    return {
      devices,
      skipped: skipped.map(({ operatingSystem, ...s }) => ({ ...s, platform: operatingSystem })),
    };
  }
  if (!config.source) {
    throw new UsageError(
      'set WS1_SOURCE_BASE_URL, WS1_SOURCE_TENANT_CODE, WS1_SOURCE_GROUP_ID and the WS1_SOURCE_ credentials',
    );
  }
  const client = workspaceOneClient(config.source, logger);
  const group = await client.getOrganizationGroup(config.source.groupId);
  return workspaceOneDeviceList(await client.listOrganizationGroupDevices(group.id));
}

export const skippedLine = (s: SkippedSourceDevice) =>
  `skipped ${s.serialNumber || s.id} (${s.platform || 'no platform'}): ${s.reason}`;

const COLUMNS: [string, keyof DeviceInput][] = [
  ['serial_number', 'serialNumber'],
  ['platform', 'platform'],
  ['enrollment_kind', 'enrollmentKind'],
  ['user_email', 'userEmail'],
  ['udid', 'udid'],
  ['imei', 'imei'],
  ['model', 'model'],
  ['friendly_name', 'friendlyName'],
  ['source_device_id', 'sourceDeviceId'],
];

/** The device list's columns (SPEC §1), in the order Ferry writes them. */
export const DEVICE_LIST_COLUMNS: readonly string[] = COLUMNS.map(([column]) => column);

/** The device list file (SPEC §1 columns, CRLF as RFC 4180 writes it). */
export function deviceListCsv(devices: DeviceInput[]): string {
  return csvText(
    DEVICE_LIST_COLUMNS,
    devices.map((d) => COLUMNS.map(([, field]) => d[field])),
  );
}
