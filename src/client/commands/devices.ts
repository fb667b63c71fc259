import type { Client } from '@temporalio/client';
import { DEVICE_STATUSES } from '../../workflows/device/messages';
import { notStartedOf, type NotStartedRow } from '../migration-files';
import { EXIT_OK, UsageError, type Command, type CommandValues } from './command';
import { migrationArg, plural, statusFlag, stringFlag, table } from './flags';
import { withTemporal } from './temporal-session';
import { fleetExists, filterDevices, listDevices, noSuchMigration, type DeviceRow } from './visibility';

/** `ferry devices MIGRATION`: the devices of a migration, as visibility and the state folder see them. */

/** The status of a listed device Temporal refused to start: it has no workflow, hence no other status. */
export const NOT_STARTED = 'not_started';

const USAGE = `Usage: ferry devices MIGRATION [--status S] [--sub-status TEXT] [--json]

Lists the devices of MIGRATION sorted by serial: serial, platform, status, sub-status. Devices
Temporal refused to start have no workflow: they are listed with status not_started and the reason
as sub-status (read from FERRY_STATE_DIR, where the workers record them).

Options:
      --status S         only devices in status S (getting_ready, abm_reassignment_pending, ade_sync,
                         ready, started, unenrolling, unenrolled, reenrolling, reenrolled, failed,
                         not_started)
      --sub-status TEXT  only devices whose sub-status contains TEXT (case-insensitive),
                         e.g. --sub-status "Target user not found"
      --json             print a JSON array
  -h, --help             show this help

Statuses come from Temporal's visibility, which can trail a device by a second or so.
Exit codes: 0 done, 1 Temporal unreachable or no such migration, 2 bad usage.`;

export interface ListedDevice {
  serialNumber: string;
  platform: string;
  status: string;
  subStatus?: string;
  open: boolean;
  /** Absent for a device that was not started. */
  workflowId?: string;
}

function fromWorkflow(d: DeviceRow): ListedDevice {
  return { ...d, open: d.running };
}

function fromRefusal(d: NotStartedRow): ListedDevice {
  return {
    serialNumber: d.serialNumber,
    platform: d.platform,
    status: NOT_STARTED,
    subStatus: d.reason,
    open: false,
  };
}

/**
 * Every device of the migration that has a workflow or was refused one, sorted by serial; a migration
 * with neither is unknown unless its fleet workflow exists (it has started no device yet).
 */
export async function migrationDevices(client: Client, migrationId: string): Promise<ListedDevice[]> {
  const [rows, refused] = await Promise.all([listDevices(client, migrationId), notStartedOf(migrationId)]);
  const devices = [...rows.map(fromWorkflow), ...refused.map(fromRefusal)];
  if (devices.length === 0) {
    if (!(await fleetExists(client, migrationId))) throw noSuchMigration(migrationId);
  }
  return devices.sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
}

/** --status: a device status, or not_started. */
function statusFilter(values: CommandValues): string | undefined {
  if (stringFlag(values, 'status') === NOT_STARTED) return NOT_STARTED;
  try {
    return statusFlag(values);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const status = stringFlag(values, 'status');
    throw new UsageError(
      `--status: unknown status "${status}" (one of ${[...DEVICE_STATUSES, NOT_STARTED].join(', ')})`,
    );
  }
}

export const devicesCommand: Command = {
  usage: USAGE,
  options: { status: { type: 'string' }, 'sub-status': { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,

  async run({ values, positionals }, io) {
    const migrationId = migrationArg(positionals);
    const filter = { status: statusFilter(values), subStatus: stringFlag(values, 'sub-status') };

    return withTemporal(async (client) => {
      const all = await migrationDevices(client, migrationId);
      const devices = filterDevices(all, filter);
      if (values.json) {
        const rows = devices.map((d) => ({
          serialNumber: d.serialNumber,
          platform: d.platform,
          status: d.status,
          subStatus: d.subStatus ?? null,
          open: d.open,
          workflowId: d.workflowId ?? null,
        }));
        io.out(JSON.stringify(rows, null, 2));
        return EXIT_OK;
      }
      const rows = devices.map((d) => [d.serialNumber, d.platform, d.status, d.subStatus ?? '']);
      const filtered = filter.status !== undefined || filter.subStatus !== undefined;
      const count = filtered
        ? `${devices.length} of ${plural(all.length, 'device')}`
        : plural(all.length, 'device');
      io.out(
        devices.length > 0
          ? `${table(['SERIAL', 'PLATFORM', 'STATUS', 'SUB-STATUS'], rows)}\n${count}`
          : `No device of ${migrationId} matches (${plural(all.length, 'device')} in all).`,
      );
      return EXIT_OK;
    });
  },
};
