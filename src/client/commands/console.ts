import { once } from 'node:events';
import {
  startConsole,
  DEFAULT_CONSOLE_HOST,
  DEFAULT_CONSOLE_PORT,
  NotLoopbackError,
  mayBind,
} from '../../console/server/serve';
import { loadConfig } from '../../config';
import { EXIT_OK, UsageError, type Command } from './command';
import { stringFlag } from './flags';
import { openTemporalSession } from './temporal-session';

/** `ferry console`: the admin console, a web server with sign-in over the same Temporal calls as the CLI. */

const USAGE = `Usage: ferry console [--port N] [--host 127.0.0.1] [--temporal-ui URL]

Serves the admin console (migrations, the new-migration wizard, devices, reports, accounts) until
Ctrl-C. Everyone signs in (a local account with a password and TOTP codes, or the organisation's
identity provider with FERRY_CONSOLE_OIDC_*, docs/sign-in.md); roles decide what they may do:
Viewer reads, Admin acts on migrations and devices, Owner also manages accounts. The first Owner is
made with \`ferry console-owner USERNAME\`. It talks to Temporal as the other commands do
(TEMPORAL_*, the payload keys) and reads the migration store (FERRY_STATE_DIR or FERRY_STORE_URL),
where it keeps its accounts too; it holds no tenant credentials. Sessions live in memory: stopping the
console signs everyone out.

It listens on a loopback address; another address only behind a TLS proxy, with
FERRY_CONSOLE_PUBLIC_URL=https://… (the address people open).

Options:
      --port N           the port (default ${DEFAULT_CONSOLE_PORT}; Temporal's Web UI uses 8233)
      --host HOST        127.0.0.1 (default), ::1, localhost; any address with an https public URL
      --temporal-ui URL  Temporal's Web UI, for links to device workflows (default: the embedded
                         dev server's, http://127.0.0.1:FERRY_DEV_SERVER_UI_PORT, when TEMPORAL_ADDRESS
                         is unset)
  -h, --help             show this help

Exit codes: 0 stopped by Ctrl-C, 1 Temporal unreachable or the port taken, 2 bad usage.`;

function portFlag(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CONSOLE_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port: "${text}" is not a port number`);
  }
  return port;
}

function uiFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // reported below
  }
  throw new UsageError(`--temporal-ui: "${text}" is not an http(s) URL`);
}

export const consoleCommand: Command = {
  usage: USAGE,
  options: { port: { type: 'string' }, host: { type: 'string' }, 'temporal-ui': { type: 'string' } },

  async run({ values }, io) {
    const port = portFlag(stringFlag(values, 'port'));
    const host = stringFlag(values, 'host') ?? DEFAULT_CONSOLE_HOST;
    const temporalUi = uiFlag(stringFlag(values, 'temporal-ui'));
    // Before connecting to Temporal: a wrong --host is a usage error, whatever Temporal's state.
    if (!mayBind(host, loadConfig().consoleAuth.publicUrl))
      throw new UsageError(new NotLoopbackError(host).message);
    const session = await openTemporalSession('ferry-console');
    const { config } = session;
    const temporalUiUrl =
      temporalUi ?? (config.temporal.address ? undefined : `http://127.0.0.1:${config.devServer.uiPort}`);
    let running;
    try {
      running = await startConsole(
        { client: session.client, namespace: session.namespace, taskQueue: config.taskQueue, temporalUiUrl },
        { host, port },
        {
          // Info: an Owner's account changes are logged, one line each (routes/accounts.ts).
          logLevel: 'info',
          // OpenID Connect sign-in when FERRY_CONSOLE_OIDC_* is set; its group mapping seeds the store's.
          ...(config.consoleOidc
            ? { oidc: { config: config.consoleOidc, groupRoleSeed: config.consoleOidc.groupRoles } }
            : {}),
        },
      );
    } catch (err) {
      await session.client.connection.close();
      if (err instanceof NotLoopbackError) throw new UsageError(err.message);
      throw err;
    }
    const shown = config.consoleAuth.publicUrl ?? running.url;
    io.out(`Ferry console on ${shown} (sign-in required); Temporal at ${session.address}. Ctrl-C stops it.`);
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await running.close();
    await session.client.connection.close();
    return EXIT_OK;
  },
};
