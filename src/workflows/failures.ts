/**
 * The closed set of failure types Ferry's activities and workflows throw. Retry policies, the admin's
 * failure reasons and the logs match on these, never on a message; a new type starts here.
 */
export const FailureType = {
  // A service's answer, as the HTTP clients' typed errors and the mailer name it.
  NotFound: 'NotFound',
  Unauthorized: 'Unauthorized',
  RateLimited: 'RateLimited',
  Transient: 'Transient',
  InvalidRequest: 'InvalidRequest',
  /** Stays retryable: a flaky proxy or a half-written body can produce it. */
  InvalidResponse: 'InvalidResponse',
  /** The source tenant answered a retire or wipe with no (wipe protection, no UUID, …): an admin must look. */
  SourceRefused: 'SourceRefused',
  /**
   * The source holds no record that is surely the listed device (two with its serial, or another id
   * than the list's): nothing was sent; an admin must tell which one.
   */
  SourceDeviceNotMatched: 'SourceDeviceNotMatched',
  /** The target did not show a registration token it had just issued yet. */
  TokenNotVisible: 'TokenNotVisible',
  /** A new token does not match the migration's declared token settings (the message names the setting). */
  TokenSettingsMismatch: 'TokenSettingsMismatch',
  /** The worker has no Android staging enrollment (QR payload) for a fully managed device's message. */
  StagingEnrollmentNotDeclared: 'StagingEnrollmentNotDeclared',

  // A polling activity's "not yet": the outside world has not caught up (retried at the interval).
  AbmNotYetAssigned: 'AbmNotYetAssigned',
  AdeNotYetSynced: 'AdeNotYetSynced',
  SourceNotYetRemoved: 'SourceNotYetRemoved',
  NotYetEnrolled: 'NotYetEnrolled',

  // The fleet's.
  InvalidFleetInput: 'InvalidFleetInput',
  /** No device list saved under the migration's id, or the state folder is not mounted on this worker. */
  DeviceListNotFound: 'DeviceListNotFound',
  /** A different list is already saved under the migration's id: a started migration's list is fixed. */
  DeviceListConflict: 'DeviceListConflict',
  /** countRunningDevices while too many devices run (benign: retried, not logged). */
  DevicesStillRunning: 'DevicesStillRunning',
  /** findDevicesAwaitingAbm while no device waits for the bulk ABM assignment. */
  NoDevicesAwaitingAbm: 'NoDevicesAwaitingAbm',
  /** The worker has no Apple Business Manager credentials. */
  AbmNotConfigured: 'AbmNotConfigured',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/**
 * Types that retrying cannot fix: the workflows' retry policies list them, and the activities mark a
 * Ferry error of these types non-retryable, so both read this one list.
 */
export const NON_RETRYABLE_ERROR_TYPES: readonly FailureType[] = [
  FailureType.NotFound,
  FailureType.Unauthorized,
  FailureType.InvalidRequest,
  FailureType.SourceRefused,
  FailureType.SourceDeviceNotMatched,
  FailureType.TokenSettingsMismatch,
  FailureType.StagingEnrollmentNotDeclared,
];

export function isNonRetryable(type: string): boolean {
  return (NON_RETRYABLE_ERROR_TYPES as readonly string[]).includes(type);
}

/** Types a polling activity throws while the outside world has not caught up yet (retried, not failed). */
export const NOT_YET = {
  abm: FailureType.AbmNotYetAssigned,
  adeSync: FailureType.AdeNotYetSynced,
  sourceRemoval: FailureType.SourceNotYetRemoved,
  enrollment: FailureType.NotYetEnrolled,
} as const;
