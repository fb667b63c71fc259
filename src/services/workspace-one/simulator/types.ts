/** State and option types of the Workspace ONE simulator. Times are epoch milliseconds. */

export type Platform = 'ios' | 'android';

/**
 * How a device leaves its tenant: a command received over the API, an admin marking it by hand, or an
 * Apple Business Manager migration with a deadline (iOS 26: the device moves itself, without an erase).
 */
export type UnenrollKind = 'EnterpriseWipe' | 'DeviceWipe' | 'Manual' | 'AbmMigration';

export interface SimUser {
  id: number;
  uuid: string;
  userName: string;
  email: string;
  displayName?: string;
  ogUuid: string;
}

export interface SimGroup {
  id: number;
  uuid: string;
  name: string;
  groupId: string;
  /** Android Enterprise (EMM) registration; absent when the OG is not registered. */
  androidWork?: { enterpriseId: string };
}

/** What a device does once it has left its tenant; set by the seed, read by `behaviour.ts`. */
export interface DeviceMigration {
  /** Tenant it tries to enroll into; default: the simulator's `behaviour.defaultTargetTenant`. */
  targetTenant?: string;
  /** The user's email, used by an Android device re-enrolling as fully managed after a wipe. */
  userEmail?: string;
  neverEnrolls?: boolean;
  enrollDelayMs?: number;
  commandDelayMs?: number;
  /** Set once it has enrolled in the target. */
  enrolledInTarget?: { tenant: string; at: number; deviceId: number };
}

export interface SimDevice {
  id: number;
  uuid: string;
  serialNumber: string;
  udid?: string;
  imei?: string;
  platform: Platform;
  model?: string;
  friendlyName?: string;
  ogUuid: string;
  userId?: number;
  /** When it enrolled in this tenant; undefined means never enrolled here. */
  enrolledAt?: number;
  enrolledViaDep: boolean;
  /** Enrolled through ADE to its profile's staging user: that profile's staging mode (1 single, 2 multi). */
  stagingMode?: number;
  unenroll?: { kind: UnenrollKind; at: number };
  migration: DeviceMigration;
}

export interface SimToken {
  uuid: string;
  value: string;
  ogUuid: string;
  serialNumber: string;
  userId: number;
  platformId: number;
  friendlyName: string;
  issuedAt: number;
  expiresAt: number;
  deletedAt?: number;
  /** When a device enrolled with it. */
  usedAt?: number;
}

export interface SimAdeProfile {
  id: number;
  uuid: string;
  name: string;
  ogUuid: string;
  authenticationRequired: boolean;
  /** 0 disabled, 1 single user device, 2 multi user device (simulator convention, UNCONFIRMED). */
  stagingMode: number;
  defaultStagingUserId?: number;
  /** The staging user's name as the profile keeps it: still shown after that user is deleted. */
  defaultStagingUserName?: string;
  autoAssignDefaultProfile: boolean;
}

export interface SimAdeDevice {
  id: number;
  uuid: string;
  serialNumber: string;
  ogUuid: string;
  profileUuid?: string;
  model?: string;
}

export interface SimCommand {
  at: number;
  command: string;
  serialNumber: string;
}

export interface TenantSettings {
  basicUsers: { username: string; password: string }[];
  oauthClients: { clientId: string; clientSecret: string }[];
  /** Registration token lifetime (the OG's "token expiration"). */
  tokenLifetimeMs: number;
  tokenLength: number;
  /** Requests per window before 429; undefined = no limit. */
  rateLimit?: { perMinute: number; windowMs?: number };
}

export interface SimTenant extends TenantSettings {
  code: string;
  users: SimUser[];
  groups: SimGroup[];
  devices: SimDevice[];
  adeProfiles: SimAdeProfile[];
  adeDevices: SimAdeDevice[];
  tokens: SimToken[];
  commands: SimCommand[];
}

export type LedgerKind =
  | 'token.issued'
  | 'token.deleted'
  | `command.${string}`
  | 'enrollmentUser.assigned'
  | 'device.enrolled'
  | 'admin.user.added'
  | 'admin.device.unenrolled'
  | 'admin.device.enrolled'
  | 'admin.device.abm_migration'
  | 'admin.device.abm_migration_cancelled';

export interface LedgerEntry {
  seq: number;
  at: string;
  tenant: string;
  kind: LedgerKind;
  /** `api` for a request, `admin` for a /_sim/ action, `device` for simulated device behaviour. */
  source: 'api' | 'admin' | 'device';
  serialNumber?: string;
  detail?: Record<string, string | number | boolean>;
}

/** How the simulated devices behave over time. */
export interface Behaviour {
  /**
   * From a wipe command to the device showing `Unenrolled`; also from an ABM migration to the device
   * leaving (the user accepting, or the OS enforcing the deadline).
   */
  commandDelayMs: number;
  /** From unenrolled (or a token issued later) to the device showing enrolled in the target. */
  enrollDelayMs: number;
  defaultTargetTenant?: string;
}

/** A field of the token details (`EnrollmentTokenResponseV1Model`) the model leaves optional. */
export type OmittableTokenDetail = 'expiration_date' | 'status' | 'enrollment_status' | 'registration_date';

/**
 * Behaviours public sources leave open or contradict (shared notes, sections E and F): each one is a
 * setting, listed with its default and its source in README.md.
 */
export interface Quirks {
  /** Status when a path exists only in other `Accept` versions than the one asked for. */
  wrongVersionStatus: number;
  /** Status of a search with no results: 204 No Content, or 200 with an empty list. */
  emptySearchStatus: 204 | 200;
  /** Android Enterprise not registered: 404 with the error body, or 200 `{}`. */
  androidWorkUnregistered: 'not-found' | 'empty';
  commandStatus: number;
  tokenCreateStatus: number;
  retryAfterFormat: 'seconds' | 'http-date';
  /** ADE `StagingMode` as an integer or as a name. */
  stagingModeFormat: 'int' | 'name';
  /** A second registration for a serial that still has a (non-deleted) token: allowed, or 400. */
  duplicateTokens: 'allow' | 'reject';
  /** Most serials accepted by one bulk device search; more is a 400. */
  bulkMaxItems: number;
  /** Dates without a zone designator (as .NET DateTimes often are) or ISO 8601 with `Z`. */
  dateFormat: 'no-zone' | 'iso';
  /**
   * `PATCH /mdm/devices/{id}/enrollmentuser/{userId}` (v2): only for a device enrolled to a Multi-Staging
   * user, 400 otherwise (the API reference), or also for a single-staging one (VMware's macOS guide).
   */
  stagingUserSwitch: 'multi-staging-only' | 'single-staging-too';
  /** Token details the tenant leaves out (each is optional in the model); default none. */
  tokenDetailsOmit: OmittableTokenDetail[];
}
