import { EXIT_OK, type Command } from './command';
import { migrationArg, plural, statusFlag, stringFlag, table } from './flags';
import { withTemporal } from './temporal-session';
import { filterDevices, requireDevices } from './visibility';

/** `ferry devices MIGRATION`: the devices of a migration, as visibility sees them. */

const USAGE = `Usage: ferry devices MIGRATION [--status S] [--sub-status TEXT] [--json]

Lists the devices of MIGRATION sorted by serial: serial, platform, status, sub-status.

Options:
      --status S         only devices in status S (getting_ready, abm_reassignment_pending, ade_sync,
                         ready, started, unenrolling, unenrolled, reenrolling, reenrolled, failed)
      --sub-status TEXT  only devices whose sub-status contains TEXT (case-insensitive),
                         e.g. --sub-status "Target user not found"
      --json             print a JSON array
  -h, --help             show this help

Statuses come from Temporal's visibility, which can trail a device by a second or so.
Exit codes: 0 done, 1 Temporal unreachable or no such migration, 2 bad usage.`;

export const devicesCommand: Command = {
  usage: USAGE,
  options: { status: { type: 'string' }, 'sub-status': { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,

  async run({ values, positionals }, io) {
    const migrationId = migrationArg(positionals);
    const filter = { status: statusFlag(values), subStatus: stringFlag(values, 'sub-status') };

    return withTemporal(async (client) => {
      const all = await requireDevices(client, migrationId);
      const devices = filterDevices(all, filter);
      if (values.json) {
        const rows = devices.map((d) => ({
          serialNumber: d.serialNumber,
          platform: d.platform,
          status: d.status,
          subStatus: d.subStatus ?? null,
          open: d.running,
          workflowId: d.workflowId,
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
