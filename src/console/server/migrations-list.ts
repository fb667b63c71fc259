import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import { readFleet } from '../../client/commands/fleet-facts';
import { migrationStateOf, type StatusState } from '../../client/commands/migration-status';
import { listMigrations, type MigrationSummary } from '../../client/commands/visibility';
import { FLEET_WORKFLOWS } from '../../temporal/visibility-queries';
import { fleetWorkflowId } from '../../workflows/fleet/messages';

/**
 * The console's migrations list: the migrations `ferry status` lists (grouped from the device
 * workflows) and those whose fleet has started no device yet, each with its fleet's facts (name, state,
 * who started it), newest first.
 */

export interface MigrationListItem {
  id: string;
  name?: string;
  /** 'unknown': an older migration whose fleet was not read (only the newest are). */
  state: StatusState | 'unknown';
  counts: Record<string, number>;
  devices: number;
  open: number;
  startedAt?: string;
  startedBy?: string;
}

/** Migrations whose fleet facts are read, newest first; older ones are listed from visibility alone. */
const DETAILED = 50;
const PREFIX = fleetWorkflowId('');

async function fleetStarts(client: Client): Promise<Map<string, string>> {
  const starts = new Map<string, string>();
  for await (const wf of client.workflow.list({ query: FLEET_WORKFLOWS, pageSize: 1000 })) {
    if (!wf.workflowId.startsWith(PREFIX)) continue;
    const id = wf.workflowId.slice(PREFIX.length);
    const at = wf.startTime.toISOString();
    // Every run of a continued fleet is listed: the migration started with the first.
    if (!starts.has(id) || at < starts.get(id)!) starts.set(id, at);
  }
  return starts;
}

export async function listConsoleMigrations(client: Client, namespace: string): Promise<MigrationListItem[]> {
  const [{ migrations }, fleets] = await Promise.all([listMigrations(client), fleetStarts(client)]);
  const byId = new Map<string, MigrationSummary>(migrations.map((m) => [m.migrationId, m]));
  const ids = [...new Set([...fleets.keys(), ...byId.keys()])];
  const startOf = (id: string) => fleets.get(id) ?? byId.get(id)?.lastStartedAt ?? '';
  ids.sort((a, b) => startOf(b).localeCompare(startOf(a)));
  const reading = pLimit(8);
  return Promise.all(
    ids.map(async (id, index) => {
      const summary = byId.get(id);
      const fleet =
        fleets.has(id) && index < DETAILED
          ? await reading(() => readFleet(client, namespace, id).catch(() => undefined))
          : undefined;
      return {
        id,
        ...(fleet?.name ? { name: fleet.name } : {}),
        state: fleet ? migrationStateOf(fleet) : fleets.has(id) ? 'unknown' : 'no_fleet',
        counts: Object.fromEntries(Object.entries(summary?.counts ?? {}).filter(([, n]) => n > 0)),
        devices: summary?.devices ?? 0,
        open: summary?.open ?? 0,
        ...(fleet?.startedAt || fleets.has(id) ? { startedAt: fleet?.startedAt ?? fleets.get(id) } : {}),
        ...(fleet?.startedBy ? { startedBy: fleet.startedBy } : {}),
      };
    }),
  );
}
