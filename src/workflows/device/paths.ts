import { DEVICE_STATUSES, type DeviceInput, type DeviceStatus, type MigrationOptions } from './messages';

/** The platform paths of SPEC §3. Pure functions: the workflow, the CLI and the tests share them. */
export type MigrationPath =
  | 'ios_standard'
  | 'ios_ade_erase'
  | 'ios_ade_standard'
  | 'ios_ade_abm_deadline'
  | 'android_token'
  | 'android_fully_managed';

export type Step =
  | 'lookupUser'
  | 'abmReassignment'
  | 'adeProfile'
  | 'abmDeadlineAssignment'
  | 'adeSync'
  | 'androidEnterprise'
  | 'ready'
  | 'issueToken'
  | 'notifyUser'
  | 'unenroll'
  | 'awaitEnrollment'
  | 'assignUser';

export const PATH_STEPS: Record<MigrationPath, readonly Step[]> = {
  ios_standard: ['lookupUser', 'ready', 'issueToken', 'notifyUser', 'unenroll', 'awaitEnrollment'],
  // The user is told before the wipe (and when it happens): everything on the device is erased.
  ios_ade_erase: [
    'lookupUser',
    'abmReassignment',
    'adeSync',
    'ready',
    'notifyUser',
    'unenroll',
    'awaitEnrollment',
    'assignUser',
  ],
  ios_ade_standard: [
    'lookupUser',
    'abmReassignment',
    'adeSync',
    'ready',
    'issueToken',
    'notifyUser',
    'unenroll',
    'awaitEnrollment',
  ],
  // No erase and no token: once ABM assigns it with a deadline, the device moves itself through ADE. The
  // target's ADE list only shows a device after that assignment, so only the profile is checked before it.
  ios_ade_abm_deadline: [
    'lookupUser',
    'adeProfile',
    'abmDeadlineAssignment',
    'adeSync',
    'ready',
    'notifyUser',
    'awaitEnrollment',
    'assignUser',
  ],
  // The device comes back as an Android Enterprise work profile: the target needs its EMM registration
  // before the source retires the old one, as for fully managed.
  android_token: [
    'lookupUser',
    'androidEnterprise',
    'ready',
    'issueToken',
    'notifyUser',
    'unenroll',
    'awaitEnrollment',
  ],
  android_fully_managed: [
    'lookupUser',
    'androidEnterprise',
    'ready',
    'notifyUser',
    'unenroll',
    'awaitEnrollment',
  ],
};

export function pathFor(device: DeviceInput, options: MigrationOptions): MigrationPath {
  if (device.platform === 'ios') {
    if (device.enrollmentKind !== 'ade') return 'ios_standard';
    if (options.iosAdeMethod === 'erase') return 'ios_ade_erase';
    if (options.iosAdeMethod === 'abm_deadline') return 'ios_ade_abm_deadline';
    return 'ios_ade_standard';
  }
  // A fully managed device cannot become anything else without a wipe, whatever the option says.
  if (device.enrollmentKind === 'fully_managed' || options.android === 'wipe_to_fully_managed') {
    return 'android_fully_managed';
  }
  return 'android_token';
}

/** Paths whose devices wait for the fleet's bulk ABM assignment (once an admin approves it). */
export function waitsForBulkAbm(path: MigrationPath, options: MigrationOptions): boolean {
  if (path === 'ios_ade_abm_deadline') return true;
  return options.abmAutoAssign === true && PATH_STEPS[path].includes('abmReassignment');
}

/** Enrolled with the ADE staging user: the device is then assigned to its user in the target. */
export function enrollsWithStagingUser(path: MigrationPath): boolean {
  return PATH_STEPS[path].includes('assignUser');
}

export function usesToken(path: MigrationPath): boolean {
  return PATH_STEPS[path].includes('issueToken');
}

/** Ferry sends the source a retire or wipe for the device (a manual source removes it by hand). */
export function sendsSourceCommand(path: MigrationPath, options: Pick<MigrationOptions, 'source'>): boolean {
  return PATH_STEPS[path].includes('unenroll') && options.source !== 'manual';
}

/** Erase-style paths wipe the device on the source; token paths retire it (corporate data only). */
export function sourceCommandFor(path: MigrationPath): 'retire' | 'erase' {
  return path === 'ios_ade_erase' || path === 'android_fully_managed' ? 'erase' : 'retire';
}

/** The lifecycle in order; failed stands outside it. */
const ORDER: readonly DeviceStatus[] = DEVICE_STATUSES.filter((s) => s !== 'failed');

/** True when the device has reached `status` or gone past it (failed counts as neither). */
export function reached(current: DeviceStatus, status: DeviceStatus): boolean {
  return current !== 'failed' && ORDER.indexOf(current) >= ORDER.indexOf(status);
}

/**
 * The target email for a source email: the same address, or with local_part matching the local part at
 * the mapped domain (jane@old.example -> jane@new.example). Domains compare case-insensitively.
 */
export function targetEmailFor(
  email: string,
  matching: MigrationOptions['userMatching'],
  domainMap: Record<string, string>,
): string {
  const trimmed = email.trim();
  if (matching === 'email') return trimmed;
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  const domain = trimmed.slice(at + 1).toLowerCase();
  const mapped = Object.entries(domainMap).find(([from]) => from.toLowerCase() === domain)?.[1];
  return mapped ? `${trimmed.slice(0, at)}@${mapped}` : trimmed;
}
