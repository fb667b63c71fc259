import path from 'node:path';
import { createPrivateDirs, writePrivateFile } from '../../services/shared/private-files';
import { EXIT_OK, UsageError, type Command } from './command';
import { positiveNumber, stringFlag } from './flags';
import { withTemporal } from './temporal-session';
import { MIGRATIONS_LIMIT } from './visibility';
import { devicesReport, migrationsReport } from '../reports';

/** `ferry report`: the devices report of a migration, or the migrations report (SPEC §5). */

const USAGE = `Usage: ferry report MIGRATION [--format csv|json] [--out FILE]
       ferry report --migrations [--format csv|json] [--out FILE] [--limit N]

The devices report: one row per device of MIGRATION with its details and the time it first reached
each status; devices Temporal refused to start come last, with status not_started and the reason as
sub_status (read from FERRY_STATE_DIR). The migrations report (--migrations): one row per migration with its device counts
per status, from the running and most recently started device workflows (at most --limit).

Options:
      --format csv|json  report format (default csv; a text cell a spreadsheet would run as a
                         formula, starting with = + - @ or a tab or line break, gets a leading ')
      --out FILE         write the report to FILE (owner-only, folders created) instead of stdout
      --migrations       the migrations report instead of one migration's devices
      --limit N          with --migrations: device workflows to read (default ${MIGRATIONS_LIMIT})
  -h, --help             show this help

Exit codes: 0 written, 1 Temporal unreachable or no such migration, 2 bad usage.`;

export const reportCommand: Command = {
  usage: USAGE,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    migrations: { type: 'boolean' },
    limit: { type: 'string' },
  },
  allowPositionals: true,

  async run({ values, positionals }, io) {
    const format = stringFlag(values, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json')
      throw new UsageError(`--format: "${format}" is not csv or json`);
    const out = stringFlag(values, 'out');
    if (out === '') throw new UsageError('--out: FILE is empty');
    const [migrationId, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (values.migrations && migrationId !== undefined) {
      throw new UsageError('give MIGRATION or --migrations, not both');
    }
    if (!values.migrations && migrationId === undefined) throw new UsageError('MIGRATION is required');
    if (!values.migrations && values.limit !== undefined) throw new UsageError('--limit needs --migrations');
    const limit = positiveNumber(values, 'limit', MIGRATIONS_LIMIT, true);

    return withTemporal(async (client) => {
      const report =
        migrationId === undefined
          ? await migrationsReport(client, format, limit, (text) => io.err(text))
          : await devicesReport(client, migrationId, format, (text) => io.err(text));
      if (out === undefined) {
        io.out(report.text.replace(/\r?\n$/, ''));
        return EXIT_OK;
      }
      // The report names users and devices: only its owner reads it.
      await createPrivateDirs(path.dirname(path.resolve(out)));
      await writePrivateFile(out, report.text);
      io.out(`${migrationId === undefined ? 'migrations' : 'devices'} report: ${out} (${report.rows})`);
      return EXIT_OK;
    });
  },
};
