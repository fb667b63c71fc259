import type { WorkspaceOneClient } from '../services/workspace-one';
import type { Notifier } from '../services/mail/notifier';
import type { AbmTargetServerCheck } from '../services/abm/gateway';
import { createAbmRollbackActivities } from './device/abm-rollback';
import { createAdeActivities } from './device/ade';
import { createAndroidActivities } from './device/android';
import { createEnrollmentActivities } from './device/enrollment';
import { withTypedFailures } from './typed-failures';
import { createRegistrationTokenActivities } from './device/registration-token';
import { createSourceActivities } from './device/source';
import type { SourceUem } from '../services/shared/source-uem';
import { TargetTenant } from '../services/workspace-one/target-tenant';
import { createTargetUserActivities } from './device/target-user';
import { createNotificationActivities } from './device/user-notification';

export interface MigrationActivityDeps {
  target: WorkspaceOneClient;
  /** The target organization group's Group ID (activation code). */
  targetGroupId: string;
  /** Absent for a manual migration (the user removes the device from the source). */
  source?: SourceUem;
  /** Absent until ABM credentials are configured: admins confirm reassignments then. */
  abm?: AbmTargetServerCheck;
  notifier: Notifier;
}

/** Every activity of the device workflow, built over the clients the worker (or a test) hands in. */
export function createMigrationActivities(deps: MigrationActivityDeps) {
  const target = new TargetTenant(deps.target, deps.targetGroupId);
  return withTypedFailures({
    ...createTargetUserActivities(target),
    ...createAdeActivities(target, deps.abm),
    ...createAbmRollbackActivities(deps.abm),
    ...createAndroidActivities(target),
    ...createRegistrationTokenActivities(target),
    ...createNotificationActivities(target, deps.notifier),
    ...createSourceActivities(deps.source),
    ...createEnrollmentActivities(target),
  });
}

export type MigrationActivities = ReturnType<typeof createMigrationActivities>;
