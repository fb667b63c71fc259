import type { WorkspaceOneClient } from '../clients/workspace-one';
import type { Notifier } from '../notify/notifier';
import type { AbmTargetServerCheck } from './abm-assignment';
import { createAbmRollbackActivities } from './abm-rollback';
import { createAdeActivities } from './ade';
import { createAndroidActivities } from './android';
import { createEnrollmentActivities } from './enrollment';
import { withTypedFailures } from './failures';
import { createRegistrationTokenActivities } from './registration-token';
import { createSourceActivities } from './source';
import type { SourceUem } from './source-uem';
import { TargetTenant } from './target-context';
import { createTargetUserActivities } from './target-user';
import { createNotificationActivities } from './user-notification';

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
