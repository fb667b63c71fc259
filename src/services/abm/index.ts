export { AppleBusinessManagerClient } from './client';
export type { AppleBusinessManagerClientOptions, CreateDeviceActivityInput } from './client';
export { CLIENT_ASSERTION_TYPE, createClientAssertion } from './auth';
export type {
  AbmActivityStatus,
  AbmActivityType,
  AbmDeviceActivity,
  AbmMdmServer,
  AbmOrgDevice,
} from './schemas';
