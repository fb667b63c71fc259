import { ENROLLMENT_KINDS, PLATFORMS } from '../../workflows/device/messages';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command } from './command';
import { listCounts, readDeviceList } from '../device-list';
import { formatIssue, type DeviceListIssue } from '../list-file';
import { plural } from './flags';

/** `ferry validate --devices FILE [--json]`: checks a device list before any migration uses it. */

const USAGE = `Usage: ferry validate --devices FILE [--json]

Checks a device list file (CSV with a header row, or a JSON array of objects) and reports every
problem with its line (CSV) or item (JSON) and field. Nothing is sent anywhere.

Columns: serial_number, platform (ios | android), enrollment_kind (iOS: ade | standard;
Android: legacy | work_profile | fully_managed, or unknown where the source cannot tell: a warning,
such a device fails at its first step until its kind is declared), user_email; optional udid, imei,
model, friendly_name, source_device_id. Names and values are case-insensitive.

Options:
  -d, --devices FILE  the device list to check
      --json          print the result as one JSON object
  -h, --help          show this help

Exit codes: 0 valid, 1 errors found, 2 bad usage or unreadable file.`;

function readError(file: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : String(err);
  return new UsageError(`cannot read ${file}: ${reason}`);
}

export const validateCommand: Command = {
  usage: USAGE,
  options: { devices: { type: 'string', short: 'd' }, json: { type: 'boolean' } },

  async run({ values }, io) {
    const file = values.devices;
    if (typeof file !== 'string' || file.trim() === '') throw new UsageError('--devices FILE is required');
    const result = await readDeviceList(file).catch((err: unknown) => {
      throw readError(file, err);
    });
    const { devices, errors, warnings } = result;
    const { platforms, kinds } = listCounts(devices);
    const code = errors.length === 0 ? EXIT_OK : EXIT_FAILED;

    if (values.json) {
      const report = {
        ok: code === EXIT_OK,
        file,
        devices: devices.length,
        platforms,
        kinds,
        errors,
        warnings,
      };
      io.out(JSON.stringify(report, null, 2));
      return code;
    }
    const lines = (label: string, issues: DeviceListIssue[]) =>
      issues.map((issue) => `${label}: ${formatIssue(issue, file)}`);
    const report = [...lines('error', errors), ...lines('warning', warnings)];
    if (code === EXIT_OK) {
      const byPlatform = PLATFORMS.map((p) => `${p}: ${platforms[p]}`).join(', ');
      const byKind = ENROLLMENT_KINDS.filter((k) => kinds[k] > 0)
        .map((k) => `${k}: ${kinds[k]}`)
        .join(', ');
      report.push(`OK: ${plural(devices.length, 'device')} (${byPlatform}; by enrollment kind ${byKind})`);
    } else {
      const counts = [
        plural(errors.length, 'error'),
        ...(warnings.length ? [plural(warnings.length, 'warning')] : []),
      ];
      report.push(`FAILED: ${file} has ${counts.join(' and ')}`);
    }
    io.out(report.join('\n'));
    return code;
  },
};
