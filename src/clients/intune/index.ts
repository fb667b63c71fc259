export { IntuneClient, MICROSOFT_GRAPH_SERVICE, odataString, readGraphErrorInfo } from './client';
export type { IntuneClientOptions, ListManagedDevicesOptions, WipeOptions } from './client';
export { GRAPH_SCOPE } from './auth';
export type { IntuneActionResult, IntuneDevice } from './schemas';
export { IntuneSource, inventoryToDeviceList, enrollmentKindOf } from './intune-source';
export type { IntuneInventory, SkippedIntuneDevice } from './intune-source';
