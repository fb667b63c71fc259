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

  return {
    /** 'not_configured' tells the workflow to wait for an admin; otherwise retried until ABM shows the move. */
    async awaitAbmAssignment(input: { serialNumber: string }): Promise<'assigned' | 'not_configured'> {
      if (!abm) return 'not_configured';
      if (await abm.isAssignedToTarget(input.serialNumber)) return 'assigned';
      throw notYet(NOT_YET.abm, 'ABM does not show the device on the target MDM server yet');
    },

    /** The deadline path's profile check (see defaultAdeProfileProblems). */
    async checkAdeProfile(): Promise<{ problems: string[] }> {
      return { problems: defaultAdeProfileProblems(await profiles.get()) };
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
        problems: adeProfileProblems(
          profile,
          all.some((p) => p.autoAssignDefaultProfile),
        ),
      };
    },
  };
}
