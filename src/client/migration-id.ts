import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { fleetWorkflowId } from '../workflows/fleet/messages';
import { FileMigrationStore } from '../services/device-lists/store';
import { UsageError } from './commands/command';

/**
 * Migration ids: the id `ferry start` makes from the name, and the checks that keep one id to one
 * migration. An id names the fleet workflow (`migration/<id>`), its devices' workflows
 * (`<id>/<serial>`) and its stored device list (`<state>/migrations/<id>/`), so it must stay within the
 * store's rule (letters, digits, '.', '_', '-'; at most 128 characters).
 */

/** The slug keeps ids short enough to read (and within the store's 128 characters, whatever the name). */
const SLUG_MAX = 40;

/**
 * A readable id that does not collide: the name's slug, the UTC start time to the second and six random
 * hex digits (`pilot-sales-20261124-231005-3f9a2c`). Two starts of one name in the same second share
 * an id only if their 24 random bits do too (1 in 16.7 million), and `claimMigrationId` replaces a
 * generated id that is taken.
 */
export function migrationIdFor(
  name: string,
  now = new Date(),
  random = () => randomBytes(3).toString('hex'),
): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, SLUG_MAX)
      .replace(/^-+|-+$/g, '') || 'migration';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${slug}-${stamp}-${random()}`;
}

/** Refuses an `--id` the store could not hold, before anything is read or reached. */
export function checkMigrationIdFlag(stateDir: string, migrationId: string): void {
  try {
    new FileMigrationStore(stateDir).deviceListFile(migrationId);
  } catch {
    throw new UsageError(
      `--id ${JSON.stringify(migrationId)}: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

/** The status of the migration holding the id (RUNNING, COMPLETED, TERMINATED, …), or undefined. */
async function migrationStatus(client: Client, migrationId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(fleetWorkflowId(migrationId)).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** What an admin reads when an explicit `--id` names a migration that has ended. */
export function finishedIdMessage(migrationId: string, status = 'COMPLETED'): string {
  const how = status === 'COMPLETED' ? '' : ` (${status.toLowerCase().replace(/_/g, ' ')})`;
  return `migration ${migrationId} already exists and is finished${how}; choose another --id`;
}

/**
 * The id to start under. An explicit id may name a running migration (running the same start again
 * returns it; the store refuses a different list), never one that has ended: Temporal would refuse it
 * with "Workflow execution already started", which reads as if the start had worked. A generated id
 * that is taken (by chance) is replaced by a fresh one.
 */
export async function claimMigrationId(
  client: Client,
  migrationId: string,
  regenerate?: () => string,
): Promise<string> {
  let id = migrationId;
  for (let attempt = 0; attempt < 5; attempt++) {
    const status = await migrationStatus(client, id);
    if (status === undefined) return id;
    if (!regenerate) {
      if (status === 'RUNNING') return id;
      throw new UsageError(finishedIdMessage(id, status));
    }
    id = regenerate();
  }
  throw new Error(`no free migration id after 5 tries (last ${id})`);
}
