/** Visibility list queries over Ferry's search attributes (see src/workflows/search-attributes.ts). */

/** A string literal in Temporal's list-filter language. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const DEVICE_WORKFLOWS = "WorkflowType = 'migrateDevice'";

/** Every device workflow of a migration, open or closed. */
export function migrationDevicesQuery(migrationId: string): string {
  return `FerryMigrationId = ${quoted(migrationId)} AND ${DEVICE_WORKFLOWS}`;
}

export function runningDevicesQuery(migrationId: string): string {
  return `${migrationDevicesQuery(migrationId)} AND ExecutionStatus = 'Running'`;
}

/** Running devices that failed and wait for an admin's retry: they hold no rollout slot. */
export function failedRunningDevicesQuery(migrationId: string): string {
  return `${runningDevicesQuery(migrationId)} AND FerryStatus = 'failed'`;
}

/** Running devices started at or after `since` (ISO 8601) that failed for one of `reasons` (any detail). */
export function failedForReasonsQuery(
  migrationId: string,
  reasons: readonly string[],
  since: string,
): string {
  const any = reasons.map((r) => `FerrySubStatus STARTS_WITH ${quoted(r)}`).join(' OR ');
  return `${failedRunningDevicesQuery(migrationId)} AND StartTime >= ${quoted(since)} AND (${any})`;
}

/** Every migration's fleet workflow (`migration/<id>`), open or closed. */
export const FLEET_WORKFLOWS = "WorkflowType = 'migrateFleet'";
