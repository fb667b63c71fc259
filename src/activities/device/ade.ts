import { NOT_YET } from '../../workflows/failures';
import type { Ws1AdeProfile } from '../../services/workspace-one';
import { notYet } from '../typed-failures';
import { ShortLivedCache, type TargetTenant } from '../../services/workspace-one/target-tenant';
import type { AbmAssignmentChecker } from '../../services/abm/gateway';

/** Checks SPEC §2 asks of the ADE profile a device will enroll with; each problem in admin words. */
export function adeProfileProblems(profile: Ws1AdeProfile, defaultProfileAssigned: boolean): string[] {
  const problems: string[] = [];
  if (profile.authenticationRequired) problems.push(`profile "${profile.name}" has Authentication on`);
  if (!/^single/i.test(profile.stagingMode)) {
    problems.push(`profile "${profile.name}" staging mode is ${profile.stagingMode}, not single user device`);
  }
  if (!profile.defaultStagingUser && profile.defaultStagingUserId === undefined) {
    problems.push(`profile "${profile.name}" has no Default Staging User`);
  }
  if (!defaultProfileAssigned) problems.push('no default ADE profile is assigned on the target');
  return problems;
}

/**
 * The default profile's problems: on the ABM-deadline path it is the profile a device enrolls with, and it
 * is checked before the assignment, while the device is not yet in the target's ADE list.
 */
export function defaultAdeProfileProblems(profiles: Ws1AdeProfile[]): string[] {
  const defaultProfile = profiles.find((p) => p.autoAssignDefaultProfile);
  if (!defaultProfile) return ['no default ADE profile is assigned on the target'];
  return adeProfileProblems(defaultProfile, true);
}

/**
 * The staging user, as the profile names it, for a message: its user name, else its id. The message
 * becomes a device's sub-status, a search attribute no payload codec encrypts: a user name that is an
 * email address is shown by its id (or its domain) instead.
 */
export function stagingUserLabel(
  p: Pick<Ws1AdeProfile, 'defaultStagingUser' | 'defaultStagingUserId'>,
): string {
  const name = p.defaultStagingUser;
  if (name && !name.includes('@')) return `"${name}"`;
  if (p.defaultStagingUserId !== undefined) return `#${p.defaultStagingUserId}`;
  return name ? `"…@${name.split('@').pop()}"` : '(unnamed)';
}

/** `abm` is absent until ABM credentials are configured: admins confirm reassignments then. */
export function createAdeActivities(target: TargetTenant, abm?: AbmAssignmentChecker) {
  const adeDevices = new ShortLivedCache(
    async () => target.client.listAdeDevices((await target.organizationGroup()).uuid),
    10_000,
  );
  const profiles = new ShortLivedCache(
    async () => target.client.listAdeProfiles((await target.organizationGroup()).uuid),
    60_000,
  );
  // One look-up a profile a minute, however many devices enroll with it.
  const stagingUsers = new Map<string, ShortLivedCache<boolean>>();

  /**
   * A profile's Default Staging User must exist in the target, not only be named: a device erased onto a
   * profile whose staging user was deleted has no user to enroll to. Empty when none is named (the
   * profile check reports that) or it exists.
   */
  async function stagingUserProblems(profile: Ws1AdeProfile): Promise<string[]> {
    const { defaultStagingUser: userName, defaultStagingUserId: id } = profile;
    if (!userName && id === undefined) return [];
    const key = `${profile.uuid}/${id ?? ''}/${userName ?? ''}`;
    let lookup = stagingUsers.get(key);
    if (!lookup) {
      lookup = new ShortLivedCache(
        async () => (await target.client.findEnrollmentUser({ id, userName })) !== undefined,
        60_000,
      );
      stagingUsers.set(key, lookup);
    }
    if (await lookup.get()) return [];
    return [
      `profile "${profile.name}" Default Staging User ${stagingUserLabel(profile)} does not exist in the target`,
    ];
  }

  return {
    /** 'not_configured' tells the workflow to wait for an admin; otherwise retried until ABM shows the move. */
    async awaitAbmAssignment(input: { serialNumber: string }): Promise<'assigned' | 'not_configured'> {
      if (!abm) return 'not_configured';
      if (await abm.isAssignedToTarget(input.serialNumber)) return 'assigned';
      throw notYet(NOT_YET.abm, 'ABM does not show the device on the target MDM server yet');
    },

    /** The deadline path's profile check (see defaultAdeProfileProblems), its staging user looked up. */
    async checkAdeProfile(): Promise<{ problems: string[] }> {
      const all = await profiles.get();
      const problems = defaultAdeProfileProblems(all);
      const defaultProfile = all.find((p) => p.autoAssignDefaultProfile);
      if (defaultProfile) problems.push(...(await stagingUserProblems(defaultProfile)));
      return { problems };
    },

    /** Retried until the device is in the target's ADE list with a profile; then reports what is wrong with it. */
    async awaitAdeSync(input: {
      serialNumber: string;
    }): Promise<{ profileName: string; problems: string[] }> {
      const serial = input.serialNumber.trim().toUpperCase();
      const device = (await adeDevices.get()).find((d) => d.serialNumber.trim().toUpperCase() === serial);
      if (!device?.profileUuid) {
        throw notYet(NOT_YET.adeSync, 'device not yet in the target ADE list with a profile');
      }
      const all = await profiles.get();
      const profile =
        all.find((p) => p.uuid === device.profileUuid) ??
        (await target.client.getAdeProfile(device.profileUuid));
      return {
        profileName: profile.name,
        problems: [
          ...adeProfileProblems(
            profile,
            all.some((p) => p.autoAssignDefaultProfile),
          ),
          ...(await stagingUserProblems(profile)),
        ],
      };
    },
  };
}
