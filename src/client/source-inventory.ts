import { inventoryToDeviceList, type IntuneInventory } from '../clients/intune';
import type { FerryConfig } from '../config';
import { intuneClient } from '../config/tenant-clients';
import { createLogger } from '../logger';
import { UsageError } from './cli';

/** The source tenant's inventory as Ferry's device list (Intune; the devices it cannot migrate named). */
export async function pullInventory(config: FerryConfig): Promise<IntuneInventory> {
  if (!config.intune) throw new UsageError('set INTUNE_TENANT_ID, INTUNE_CLIENT_ID and INTUNE_CLIENT_SECRET');
  const client = intuneClient(config.intune, createLogger({ level: 'silent' }));
  return inventoryToDeviceList(await client.listManagedDevices());
}
