import { adeProfileProblems, defaultAdeProfileProblems } from '../device/ade';
import pLimit from 'p-limit';
import { isFerryClientError } from '../../services/shared/errors';
import type { WorkspaceOneClient, Ws1AdeDevice, Ws1AdeProfile } from '../../services/workspace-one';
import { PATH_STEPS, pathFor, targetEmailFor, usesToken, type Step } from '../../workflows/device/paths';
import { FailureReason, type DeviceInput, type MigrationOptions } from '../../workflows/device/messages';
import { FailureType } from '../../workflows/failures';
import type { AndroidStagingEnrollment } from '../../config/android-staging';
import { showsStagingQr } from '../../services/mail/templates';
import { androidStagingCheck, tokenSettingsCheck } from './declared';

/**
 * The preflight (SPEC §2, §7.4): the target's prerequisites checked in order before anything changes,
 * and every device that would fail, with the reason. It reads the target and writes nothing.
 */

export type CheckResult = 'ok' | 'failed' | 'warning' | 'declared';

export interface PreflightCheck {
  name: string;
  result: CheckResult;
  detail: string;
}

export interface DeviceVerdict {
  serialNumber: string;
  reason: string;
  /** A wait is not a failure: the device would sit in a status until the condition holds. */
  blocking: boolean;
}

/** What the worker declares in its configuration (the CLI reads the same environment). */
export interface PreflightDeclarations {
  androidStaging?: AndroidStagingEnrollment;
}

export interface PreflightReport {
  checks: PreflightCheck[];
  devices: DeviceVerdict[];
  total: number;
}

export async function runPreflight(
  target: WorkspaceOneClient,
  groupId: string,
  devices: DeviceInput[],
  options: MigrationOptions,
  declared: PreflightDeclarations = {},
): Promise<PreflightReport> {
  const checks: PreflightCheck[] = [];
  const verdicts: DeviceVerdict[] = [];
  const fail = (d: DeviceInput, reason: string, blocking = true) =>
    verdicts.push({ serialNumber: d.serialNumber, reason, blocking });

  let group;
  try {
    group = await target.getOrganizationGroup(groupId);
    checks.push({
      name: 'Target organization group',
      result: 'ok',
      detail: `${group.name} (${group.groupId})`,
    });
  } catch (err) {
    if (!isFerryClientError(err) || err.type !== FailureType.NotFound) throw err;
    checks.push({
      name: 'Target organization group',
      result: 'failed',
      detail: `no group with Group ID ${groupId}`,
    });
    return {
      checks,
      devices: devices.map((d) => ({ serialNumber: d.serialNumber, reason: 'no target OG', blocking: true })),
      total: devices.length,
    };
  }

  // Users: one lookup per distinct target address, not per device.
  const emails = new Map<string, DeviceInput[]>();
  for (const d of devices) {
    const email = targetEmailFor(d.userEmail, options.userMatching, options.domainMap).toLowerCase();
    emails.set(email, [...(emails.get(email) ?? []), d]);
  }
  const missing: string[] = [];
  const lookups = pLimit(8);
  await Promise.all(
    [...emails.keys()].map((email) =>
      lookups(async () => {
        if (!(await target.findUserByEmail(email))) missing.push(email);
      }),
    ),
  );
  for (const email of missing) for (const d of emails.get(email)!) fail(d, FailureReason.TargetUserNotFound);
  checks.push({
    name: 'Target users',
    result: missing.length === 0 ? 'ok' : 'failed',
    detail: `${emails.size - missing.length} of ${emails.size} users found`,
  });

  const paths = new Map(devices.map((d) => [d.serialNumber, pathFor(d, options)]));
  // Each check follows the steps a device's path has, so a new path cannot slip past preflight.
  const withStep = (step: Step) =>
    devices.filter((d) => PATH_STEPS[paths.get(d.serialNumber)!].includes(step));
  const ade = withStep('abmReassignment');
  if (ade.length > 0) {
    checks.push(await checkAde(target, group.uuid, ade, fail, options.abmAutoAssign === true));
  }
  const deadline = withStep('abmDeadlineAssignment');
  if (deadline.length > 0) {
    const problems = defaultAdeProfileProblems(await target.listAdeProfiles(group.uuid));
    for (const d of problems.length > 0 ? deadline : []) {
      fail(d, `${FailureReason.AdeProfileMisconfigured}: ${problems.join('; ')}`);
    }
    checks.push({
      name: 'Apple ADE (ABM deadline)',
      result: problems.length > 0 ? 'failed' : 'ok',
      detail: [
        `${deadline.length} devices move through ABM with a deadline; the default ADE profile is what they enroll with`,
        ...problems,
        'ABM assignment: in bulk once an admin approves it (ferry approve-abm), read back per device',
      ].join('; '),
    });
  }

  const fullyManaged = withStep('androidEnterprise');
  if (fullyManaged.length > 0) {
    const ae = await target.getAndroidWorkRegistration(group.id);
    checks.push({
      name: 'Android Enterprise (EMM) registration',
      result: ae.registered ? 'ok' : 'failed',
      detail: ae.registered
        ? `enterprise ${ae.enterpriseId ?? ''}`.trim()
        : 'the target OG is not registered',
    });
    if (!ae.registered) for (const d of fullyManaged) fail(d, FailureReason.AndroidEnterpriseNotRegistered);
  }

  const staged = devices.filter((d) => showsStagingQr(paths.get(d.serialNumber)!));
  if (staged.length > 0) {
    const staging = androidStagingCheck(declared.androidStaging, staged.length);
    checks.push({
      name: 'Android staging enrollment (QR code)',
      result: staging.result,
      detail: staging.detail,
    });
    for (const d of staging.problems.length > 0 ? staged : []) {
      fail(d, `${FailureReason.AndroidStagingNotDeclared}: ${staging.problems.join('; ')}`);
    }
  }

  const tokenDevices = devices.filter((d) => usesToken(paths.get(d.serialNumber)!));
  if (tokenDevices.length > 0) {
    const tokens = tokenSettingsCheck(options.tokenSettings);
    checks.push({ name: 'Registration tokens', result: tokens.result, detail: tokens.detail });
    for (const d of tokens.problems.length > 0 ? tokenDevices : []) {
      fail(d, `Token settings unsupported: ${tokens.problems.join('; ')}`);
    }
  }
  return { checks, devices: verdicts, total: devices.length };
}

async function checkAde(
  target: WorkspaceOneClient,
  ogUuid: string,
  devices: DeviceInput[],
  fail: (d: DeviceInput, reason: string, blocking?: boolean) => void,
  bulkAssigned: boolean,
): Promise<PreflightCheck> {
  const [listed, profiles] = await Promise.all([
    target.listAdeDevices(ogUuid),
    target.listAdeProfiles(ogUuid),
  ]);
  const bySerial = new Map<string, Ws1AdeDevice>(listed.map((d) => [d.serialNumber.toUpperCase(), d]));
  const byUuid = new Map<string, Ws1AdeProfile>(profiles.map((p) => [p.uuid, p]));
  const defaultAssigned = profiles.some((p) => p.autoAssignDefaultProfile);
  const problems = new Set<string>();
  // A device the target has not synced yet (ABM still has it on the source's server) will get the
  // default profile: that profile is what can be checked for it now.
  const defaultProblems = defaultAdeProfileProblems(profiles);
  let unsynced = 0;
  for (const d of devices) {
    const synced = bySerial.get(d.serialNumber.toUpperCase());
    if (!synced?.profileUuid) {
      unsynced++;
      if (defaultProblems.length === 0) {
        fail(
          d,
          'not in the target ADE list yet (until ABM assigns it to the target): would wait in ade_sync',
          false,
        );
        continue;
      }
      defaultProblems.forEach((p) => problems.add(p));
      fail(d, `${FailureReason.AdeProfileMisconfigured}: ${defaultProblems.join('; ')}`);
      continue;
    }
    let profile = byUuid.get(synced.profileUuid);
    if (!profile) {
      // A profile of another OG: fetched once, however many devices use it.
      profile = await target.getAdeProfile(synced.profileUuid);
      byUuid.set(synced.profileUuid, profile);
    }
    const found = adeProfileProblems(profile, defaultAssigned);
    found.forEach((p) => problems.add(p));
    if (found.length > 0) fail(d, `${FailureReason.AdeProfileMisconfigured}: ${found.join('; ')}`);
  }
  const detail = [
    `${devices.length - unsynced} of ${devices.length} ADE devices synced with a profile`,
    ...problems,
    bulkAssigned
      ? 'ABM reassignment to the target MDM server: assigned in bulk once an admin approves (ferry approve-abm)'
      : 'ABM reassignment to the target MDM server: confirmed per device during the migration',
  ].join('; ');
  return {
    name: 'Apple ADE',
    result: problems.size > 0 ? 'failed' : unsynced > 0 ? 'warning' : 'ok',
    detail,
  };
}
