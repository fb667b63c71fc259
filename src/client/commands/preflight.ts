import { loadConfig } from '../../config';
import { MIGRATION_OPTION_FLAGS, migrationOptionsFromFlags } from '../migration-options';
import { readDeviceList } from '../device-list';
import { formatIssue } from '../list-file';
import { runPreflight, type CheckResult } from '../../activities/preflight/checks';
import { workspaceOneClient } from '../../services/tenant-clients';
import { createLogger } from '../../logger';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command } from './command';

const MARK: Record<CheckResult, string> = {
  ok: '[ok]',
  failed: '[FAIL]',
  warning: '[wait]',
  declared: '[declared]',
};

export const preflightCommand: Command = {
  usage: `Usage: ferry preflight --devices FILE [migration options] [--json]

Checks the target tenant's prerequisites (SPEC §2) for this device list and looks every user up,
touching no device and writing nothing: a checklist, then every device that would fail, and why.
Needs WS1_TARGET_* in the environment (see docs/configuration.md). Exit 0 when no device would fail, 1 otherwise.

Settings the API does not expose are shown as declared, not verified: the token settings of the
migration (--registration-token-length, --token-expiration-hours, …) and the workers' Android staging
enrollment (FERRY_ANDROID_STAGING_QR_PAYLOAD, read from this environment).

Migration options (as for ferry start): --ios-ade-method, --android, --user-matching, --domain-map, …`,
  options: { devices: { type: 'string', short: 'd' }, json: { type: 'boolean' }, ...MIGRATION_OPTION_FLAGS },
  async run({ values }, io) {
    if (typeof values.devices !== 'string') throw new UsageError('--devices FILE is required');
    const options = migrationOptionsFromFlags(values);
    const config = loadConfig();
    if (!config.target)
      throw new UsageError('set WS1_TARGET_BASE_URL and its companions (see docs/configuration.md)');
    const list = await readDeviceList(values.devices);
    if (list.errors.length > 0) {
      for (const issue of list.errors) io.out(`error: ${formatIssue(issue, values.devices)}`);
      io.out(`FAILED: ${values.devices} has ${list.errors.length} errors (see ferry validate)`);
      return EXIT_FAILED;
    }
    const target = workspaceOneClient(config.target, createLogger({ level: 'silent' }));
    const report = await runPreflight(target, config.target.groupId, list.devices, options, {
      androidStaging: config.androidStaging,
    });
    const blocking = report.devices.filter((d) => d.blocking);
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      for (const c of report.checks) io.out(`${MARK[c.result].padEnd(11)}${c.name}: ${c.detail}`);
      for (const d of report.devices) io.out(`  ${d.serialNumber}: ${d.reason}`);
      io.out(
        `${blocking.length === 0 ? 'READY' : 'NOT READY'}: ${report.total} devices, ${blocking.length} would fail, ` +
          `${report.devices.length - blocking.length} would wait`,
      );
    }
    return blocking.length === 0 ? EXIT_OK : EXIT_FAILED;
  },
};
