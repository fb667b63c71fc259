export { WorkspaceOneClient, DEFAULT_STAGING_MODE_NAMES, StagingUserSwitchRefusedError } from './client';
export type { WorkspaceOneClientOptions, DeviceSearchBy, RegistrationTokenRequest } from './client';
export type { WorkspaceOneAuth } from './auth';
export { inventoryToDeviceList } from './inventory';
export type { SkippedWs1Device, Ws1Inventory } from './inventory';
export type {
  Ws1AdeDevice,
  Ws1AdeProfile,
  Ws1Device,
  Ws1InventoryDevice,
  Ws1OrganizationGroup,
  Ws1SourceDevice,
  Ws1TokenDetails,
  Ws1TokenSummary,
  Ws1User,
  Ws1UserRef,
} from './schemas';
