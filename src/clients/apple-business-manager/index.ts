export { AppleBusinessManagerClient, APPLE_BUSINESS_MANAGER_SERVICE, MAX_PAGE_LIMIT } from './client';
export type { AppleBusinessManagerClientOptions, CreateDeviceActivityInput } from './client';
export { ABM_ASSERTION_AUDIENCE, CLIENT_ASSERTION_TYPE, createClientAssertion } from './auth';
export { ACTIVITY_STATUSES, ACTIVITY_TYPES } from './schemas';
export type {
  AbmActivityStatus,
  AbmActivityType,
  AbmDeviceActivity,
  AbmMdmServer,
  AbmOrgDevice,
} from './schemas';
