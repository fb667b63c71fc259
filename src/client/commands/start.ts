import { loadConfig, type FerryConfig } from '../../config';
import { MIGRATION_OPTION_FLAGS, migrationOptionsFromFlags } from '../migration-options';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo, type Command } from './command';
import {
  deviceListCsv,
  isInventorySource,
  pullInventory,
  skippedLine,
  type InventorySource,
} from '../source-inventory';
import { parseDeviceList, readDeviceList, type DeviceListResult } from '../device-list';
import { formatIssue } from '../list-file';
import { loginName, stringFlag } from './flags';
import { withTemporal } from './temporal-session';
import { cliActor } from '../cli-actor';
import { ROLLOUT_FLAGS, launchMigration, plannedMigrationId, rolloutFromFlags } from '../launch-migration';

export { migrationIdFor } from '../migration-id';

/**
 * Without --devices, the source's inventory is the list, checked as the file `ferry inventory` would
 * write (a source can hold duplicate serials or a malformed email); what it cannot migrate is named.
 */
async function inventoryList(
  config: FerryConfig,
  source: InventorySource,
  io: CliIo,
): Promise<DeviceListResult> {
  const inventory = await pullInventory(config, source);
  for (const s of inventory.skipped) io.err(skippedLine(s));
  return parseDeviceList(deviceListCsv(inventory.devices));
}

export const startCommand: Command = {
  usage: `Usage: ferry start --name NAME (--devices FILE | --source intune|workspace-one) [rollout] [migration options]

Validates the device list (refused with the same errors as ferry validate), saves it in the state
folder the workers read (FERRY_STATE_DIR), starts the migration and prints its id. Without --devices,
the list is the source tenant's inventory, as ferry inventory reads it.

Rollout:
  --id ID                 migration id: letters, digits, '.', '_', '-' (default: the name's slug, the
                          start time and a random suffix); the id of a finished migration is refused
  --concurrency N         devices in flight at once (default 50, at most 1000); a failed device
                          waiting for an admin's retry frees its slot
  --breaker-failures N    pause the migration when N devices failed for one tenant-level reason
                          (credentials, Android Enterprise, ADE profile, …; default 5, 0: off)
  --batch-size N          devices started per batch (default 100)
  --devices-per-hour N    start rate limit (help-desk load)
  --wave-size N           devices per wave; with --approve-waves each wave after the first waits
  --approve-waves         for "ferry approve-wave MIGRATION"
  --poll-interval D       how often the rollout counts running devices (default "30 seconds")
  --abm-assign-interval D least time between two bulk ABM assignments (default "10 minutes": Apple
                          allows about 10 assignment requests an hour)

Migration options: --ios-ade-method erase|standard|abm_deadline, --android keep|wipe_to_fully_managed,
--user-matching email|local_part, --domain-map old.example=new.example, --source workspace-one|manual,
--max-token-reissues N, --abm-auto-assign true (Ferry assigns ADE devices in Apple Business Manager
after "ferry approve-abm MIGRATION"), --abm-deadline-days N (1-90, default 14), --notice-period D (the
time between the message that tells a user when their device is retired or wiped and that command;
default: none, the command follows the message at once), and the durations (--enrollment-timeout "14 days", …; see ferry preflight).

Token settings, as set on the target (Devices & Users > General > Enrollment > Authentication; the API
does not expose them): --enrollment-mode registered_devices_only|open, --require-registration-token
true|false, --registration-token-type single_factor|two_factor, --registration-token-length N (6-20),
--token-expiration-hours N. Every new token is checked against the length and expiry: one that
differs fails its device before the user is told and pauses the migration.`,
  options: {
    name: { type: 'string' },
    devices: { type: 'string', short: 'd' },
    id: { type: 'string' },
    ...ROLLOUT_FLAGS,
    ...MIGRATION_OPTION_FLAGS,
  },
  async run({ values }, io) {
    const name = stringFlag(values, 'name');
    const file = stringFlag(values, 'devices');
    if (!name) throw new UsageError('--name NAME is required');
    const options = migrationOptionsFromFlags(values);
    const source = stringFlag(values, 'source');
    const from: { file: string } | { source: InventorySource } | undefined = file
      ? { file }
      : isInventorySource(source)
        ? { source }
        : undefined;
    if (!from) {
      throw new UsageError(
        '--devices FILE is required (or --source intune|workspace-one to read the source inventory)',
      );
    }
    const rollout = rolloutFromFlags(values);
    const explicitId = stringFlag(values, 'id');
    const config = loadConfig();
    // Refused before the inventory is read or Temporal is reached.
    const planned = plannedMigrationId(name, rollout, config.stateDir, explicitId);
    const list =
      'file' in from ? await readDeviceList(from.file) : await inventoryList(config, from.source, io);
    if (list.errors.length > 0) {
      const listName = 'file' in from ? from.file : `the ${from.source} inventory`;
      for (const issue of list.errors) io.out(`error: ${formatIssue(issue, listName)}`);
      io.out(`REFUSED: ${listName} has ${list.errors.length} errors; nothing was started`);
      return EXIT_FAILED;
    }
    const migrationId = await withTemporal((client) =>
      launchMigration(client, config.taskQueue, {
        migrationId: planned,
        explicitId: explicitId !== undefined,
        name,
        devices: list.devices,
        options,
        rollout,
        startedBy: loginName(),
        startedActor: cliActor(client),
      }),
    );
    io.out(migrationId);
    io.err(
      `started: ${list.devices.length} devices, ${rollout.concurrency} at a time (ferry status ${migrationId} --watch)`,
    );
    return EXIT_OK;
  },
};
