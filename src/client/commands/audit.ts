import { auditCsv, auditJson, auditLines } from '../audit/audit-formats';
import { readMigrationAudit } from '../audit/read-audit';
import { SINCE_HELP, parseSince } from '../audit/since';
import { EXIT_OK, UsageError, type Command } from './command';
import { migrationArg, stringFlag } from './flags';
import { withTemporal } from './temporal-session';

/** `ferry audit MIGRATION`: who did what to a migration and its devices, and what the workflows answered. */

/** Reading more device histories than this, the command says how far it got on stderr. */
const PROGRESS_EVERY = 100;

const USAGE = `Usage: ferry audit MIGRATION [--json | --csv] [--since T]

Lists the admin actions on MIGRATION and its devices, oldest first, as the workflows recorded them in
their histories (the fleet workflow's every run and every device workflow): when, who (the console's
signed-in person, or the CLI's --by name, OS login and Temporal client identity), the action, its
target, the reason, and the workflow's answer. An action a workflow refused at once (its validator:
"rejected: device is reenrolled") changed nothing and is not in Temporal's history, so it is not listed.
Reading thousands of device histories takes a while: progress goes to stderr.

Options:
      --json      the audit as one JSON object
      --csv       the audit as CSV (a text cell a spreadsheet would run as a formula gets a leading ')
      --since T   only actions at or after T: ${SINCE_HELP}
  -h, --help      show this help

Exit codes: 0 listed, 1 Temporal unreachable or no such migration, 2 bad usage.`;

export const auditCommand: Command = {
  usage: USAGE,
  options: { json: { type: 'boolean' }, csv: { type: 'boolean' }, since: { type: 'string' } },
  allowPositionals: true,

  async run({ values, positionals }, io) {
    const migrationId = migrationArg(positionals);
    if (values.json && values.csv) throw new UsageError('give --json or --csv, not both');
    const sinceText = stringFlag(values, 'since');
    const since = sinceText === undefined ? undefined : parseSince(sinceText);
    if (sinceText !== undefined && since === undefined) {
      throw new UsageError(`--since: "${sinceText}" is not ${SINCE_HELP}`);
    }
    return withTemporal(async (client) => {
      const audit = await readMigrationAudit(client, migrationId, {
        ...(since ? { since } : {}),
        onProgress: (read, total) => {
          if (total >= PROGRESS_EVERY && (read % PROGRESS_EVERY === 0 || read === total)) {
            io.err(`audit: read ${read} of ${total} device histories`);
          }
        },
      });
      if (values.json) io.out(auditJson(audit));
      else if (values.csv) io.out(auditCsv(audit).replace(/\r?\n$/, ''));
      else for (const line of auditLines(audit)) io.out(line);
      return EXIT_OK;
    });
  },
};
