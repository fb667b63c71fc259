export { IntuneClient } from './client';
export type { IntuneClientOptions, ListManagedDevicesOptions, WipeOptions } from './client';
export type { IntuneActionResult, IntuneDevice } from './schemas';
export { IntuneSource, inventoryToDeviceList } from './source';
export type { IntuneInventory, SkippedIntuneDevice } from './source';
