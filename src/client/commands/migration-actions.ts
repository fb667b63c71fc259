import { MIGRATION_ACTIONS, runMigrationAction, type MigrationActionName } from '../migration-action';
import { EXIT_FAILED, EXIT_OK, type Command } from './command';
import { migrationArg, stringFlag } from './flags';
import { cliRequest } from '../cli-actor';
import { withTemporal } from './temporal-session';

/** `ferry pause|resume|approve-wave|approve-abm|start-all|cancel-migration MIGRATION` (see ../migration-action). */

const RECORDED = `--by NAME is the name shown (default: your OS login); --reason TEXT says why. Every action
records your OS login and the identity the CLI's Temporal client connected with
(ferry-cli:LOGIN@HOST:PID); \`ferry audit MIGRATION\` lists them.`;

export function migrationActionCommand(name: MigrationActionName): Command {
  return {
    usage: `Usage: ferry ${name} MIGRATION [--by NAME] [--reason TEXT]\n\n${MIGRATION_ACTIONS[name].what}\n\n${RECORDED}`,
    options: { by: { type: 'string' }, reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const migrationId = migrationArg(positionals);
      return withTemporal(async (client) => {
        const request = cliRequest(client, stringFlag(values, 'by'), stringFlag(values, 'reason'));
        const outcome = await runMigrationAction(client, migrationId, name, request);
        if (outcome.ok) io.out(outcome.message);
        else io.err(`ferry ${name}: ${outcome.message}`);
        return outcome.ok ? EXIT_OK : EXIT_FAILED;
      });
    },
  };
}
