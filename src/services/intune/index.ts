export { IntuneClient } from './client';
export type { IntuneClientOptions, ListManagedDevicesOptions, WipeOptions } from './client';
export type { IntuneActionResult, IntuneDevice } from './schemas';
export { IntuneSource } from './source';
export { inventoryToDeviceList, readIntuneInventory } from './inventory';
export type { AndroidEnrollmentTypes, IntuneInventory, SkippedIntuneDevice } from './inventory';
