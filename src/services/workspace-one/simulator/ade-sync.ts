/**
 * Workspace ONE's side of Apple's device assignments. A device that Apple Business Manager assigns to
 * the MDM server behind a tenant's ADE token shows up, after the tenant syncs, in the ADE device list
 * of the token's organization group, with the profile set to auto-assign; a device unassigned or moved
 * to another server leaves that list. The simulator syncs at once, where the real tenant syncs on a
 * schedule or when an admin presses "Sync devices".
 */
import { same, type SimStore } from './store';
import type { SimTenant } from './types';

export function syncAdeAssignment(
  store: SimStore,
  tenant: SimTenant,
  device: { serialNumber: string; model?: string },
  assignedHere: boolean,
): void {
  const listed = tenant.adeDevices.findIndex((a) => same(a.serialNumber, device.serialNumber));
  if (!assignedHere) {
    if (listed >= 0) tenant.adeDevices.splice(listed, 1);
    return;
  }
  if (listed >= 0) return;
  const profile = tenant.adeProfiles.find((p) => p.autoAssignDefaultProfile);
  tenant.adeDevices.push({
    id: store.newId(),
    uuid: store.random.uuid(),
    serialNumber: device.serialNumber,
    ogUuid: profile?.ogUuid ?? store.defaultGroup(tenant).uuid,
    profileUuid: profile?.uuid,
    model: device.model,
  });
}
