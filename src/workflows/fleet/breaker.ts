import { FailureReason } from '../device/messages';

/**
 * The circuit breaker's rules: which device failures are about the tenant (every next device would
 * fail the same way, and on the retire and erase paths lose its source management first) rather than
 * about the device, and what an admin fixes for each. A device's own trouble (its user missing, its
 * user not enrolling, Apple not moving it) never trips the breaker.
 */
export const TENANT_LEVEL_FAILURES: Readonly<Record<string, string>> = {
  [FailureReason.ServiceRejectedCredentials]:
    "the worker's credentials for the service (WS1_* for Workspace ONE, INTUNE_* for Intune, ABM_* for " +
    'Apple Business Manager): renew them, restart the worker, then ferry resume',
  [FailureReason.AndroidEnterpriseNotRegistered]:
    'register Android Enterprise on the target organization group (Groups & Settings > Android), ' +
    'then ferry retry the failed devices and ferry resume',
  [FailureReason.AdeProfileMisconfigured]:
    "the target's ADE profile (the devices' sub-status names the setting), then ferry retry the " +
    'failed devices and ferry resume',
  // Reached only after an activity's retries ran out (an hour): the service is down, not flaky.
  [FailureReason.ServiceUnavailable]:
    "whether the services answer from the worker's host (network, proxy, an outage), then ferry resume",
  // The target refusing tokens or commands for one device after another is a tenant setting (the API
  // account's role, the organization group), rarely the devices.
  [FailureReason.ServiceRejectedRequest]:
    "the API account's role and the organization group in the worker's WS1_* settings, then ferry resume",
  [FailureReason.PathNotAvailable]: 'the migration options (the path the devices take), then ferry resume',
  [FailureReason.TokenSettingsDiffer]:
    "the target's token settings (Devices & Users > General > Enrollment > Authentication; the devices' " +
    'sub-status names the setting) to match the declared ones, then ferry retry the failed devices and ' +
    'ferry resume; if the declaration is what is wrong, cancel the migration and start it again with the ' +
    'right --registration-token-length / --token-expiration-hours',
  [FailureReason.AndroidStagingNotDeclared]:
    "FERRY_ANDROID_STAGING_QR_PAYLOAD on every worker (the QR code's text from the target's Enrollment " +
    'Configuration Wizard), restart them, then ferry retry the failed devices and ferry resume',
};

/**
 * Reasons that trip the breaker sooner than the migration's threshold: one device shows the whole
 * tenant's setting (every token comes from the same settings; every worker has the same configuration).
 */
export const TRIPS_AT: Readonly<Record<string, number>> = {
  [FailureReason.TokenSettingsDiffer]: 1,
  [FailureReason.AndroidStagingNotDeclared]: 1,
};

/** How many failed devices trip the breaker for `reason`, given the migration's threshold. */
export function tripsAt(reason: string, failures: number): number {
  return Math.min(failures, TRIPS_AT[reason] ?? failures);
}

export const TENANT_LEVEL_REASONS: readonly string[] = Object.keys(TENANT_LEVEL_FAILURES);
