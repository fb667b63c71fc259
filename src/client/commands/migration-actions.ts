import { MIGRATION_ACTIONS, runMigrationAction, type MigrationActionName } from '../migration-action';
import { EXIT_FAILED, EXIT_OK, type Command } from './command';
import { loginName, migrationArg, stringFlag } from './flags';
import { withTemporal } from './temporal-session';

/** `ferry pause|resume|approve-wave|approve-abm|start-all|cancel-migration MIGRATION` (see ../migration-action). */

export function migrationActionCommand(name: MigrationActionName): Command {
  return {
    usage: `Usage: ferry ${name} MIGRATION [--by NAME] [--reason TEXT]\n\n${MIGRATION_ACTIONS[name].what}`,
    options: { by: { type: 'string' }, reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const migrationId = migrationArg(positionals);
      const request = {
        by: stringFlag(values, 'by') ?? loginName(),
        reason: stringFlag(values, 'reason'),
      };
      return withTemporal(async (client) => {
        const outcome = await runMigrationAction(client, migrationId, name, request);
        if (outcome.ok) io.out(outcome.message);
        else io.err(`ferry ${name}: ${outcome.message}`);
        return outcome.ok ? EXIT_OK : EXIT_FAILED;
      });
    },
  };
}
