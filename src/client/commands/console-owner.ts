import { loadConfig } from '../../config';
import { openAccountStore } from '../../console/server/auth/account-store';
import { createSetUpLink, displayName, setUpPath, username } from '../../console/server/auth/set-up-links';
import { ApiError } from '../../console/server/errors';
import { DEFAULT_CONSOLE_PORT } from '../../console/server/serve';
import { EXIT_OK, UsageError, type Command } from './command';
import { stringFlag } from './flags';

/** `ferry console-owner USERNAME`: the first Owner's one-time set-up link (the console has no account yet). */

const USAGE = `Usage: ferry console-owner USERNAME [--name "Display Name"] [--url URL] [--force]

Prints a one-time link that sets up the console's first Owner account: opened in a browser, it asks
for a password and enrols an authenticator app (TOTP, scanned from a QR code), then signs in. The
Owner then invites everyone else from the console's accounts page. The link works once, for
FERRY_CONSOLE_SET_UP_LINK_TTL (24 h by default); only its hash is stored, beside the migration store
(FERRY_STATE_DIR or FERRY_STORE_URL), where \`ferry console\` reads the accounts.

Options:
      --name NAME   the display name the console shows and records in actions (default: USERNAME)
      --url URL     where the console is opened (default: FERRY_CONSOLE_PUBLIC_URL, else
                    http://127.0.0.1:${DEFAULT_CONSOLE_PORT})
      --force       even when an Owner exists (recovery: a lost authenticator, a departed Owner);
                    for an existing USERNAME, the link replaces that account's password and TOTP
  -h, --help        show this help

Exit codes: 0 link printed, 1 the store cannot be written, 2 bad usage or an Owner exists already.`;

function parsed<T>(
  schema: {
    safeParse(v: unknown): { success: boolean; data?: T; error?: { issues: { message: string }[] } };
  },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what}: ${result.error!.issues[0]!.message}`);
  return result.data!;
}

export const consoleOwnerCommand: Command = {
  usage: USAGE,
  allowPositionals: true,
  options: { name: { type: 'string' }, url: { type: 'string' }, force: { type: 'boolean' } },

  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('name one USERNAME');
    const user = parsed<string>(username, positionals[0], 'USERNAME');
    const name = parsed<string>(displayName, stringFlag(values, 'name') ?? user, '--name');
    const config = loadConfig();
    const base =
      stringFlag(values, 'url') ?? config.consoleAuth.publicUrl ?? `http://127.0.0.1:${DEFAULT_CONSOLE_PORT}`;
    if (!/^https?:\/\//.test(base)) throw new UsageError(`--url: "${base}" is not an http(s) URL`);
    const store = await openAccountStore(config);
    try {
      const { token, expiresAt } = await createSetUpLink(
        store,
        {
          username: user,
          name,
          role: 'owner',
          kind: 'owner',
          createdBy: 'ferry console-owner',
          force: values.force === true,
        },
        config.consoleAuth.setUpLinkMs,
        Date.now(),
      );
      io.out(
        [
          `Set-up link for ${user} (Owner), valid once until ${new Date(expiresAt).toISOString()}:`,
          '',
          `  ${new URL(setUpPath(token), base).toString()}`,
          '',
          'Open it in a browser where the console is reachable; it is shown only now.',
        ].join('\n'),
      );
      return EXIT_OK;
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 409) throw new UsageError(err.message);
      throw err;
    } finally {
      await store.close();
    }
  },
};
