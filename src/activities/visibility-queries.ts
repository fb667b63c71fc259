/** Visibility list queries over Ferry's search attributes (see src/workflows/search-attributes.ts). */

/** A string literal in Temporal's list-filter language. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function runningDevicesQuery(migrationId: string): string {
  return `FerryMigrationId = ${quoted(migrationId)} AND WorkflowType = 'migrateDevice' AND ExecutionStatus = 'Running'`;
}
