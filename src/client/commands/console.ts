import { once } from 'node:events';
import {
  startConsole,
  DEFAULT_CONSOLE_HOST,
  DEFAULT_CONSOLE_PORT,
  NotLoopbackError,
} from '../../console/server/serve';
import { LOOPBACK_BANNER, isLoopbackHost } from '../../console/server/loopback';
import { EXIT_OK, UsageError, type Command } from './command';
import { stringFlag } from './flags';
import { openTemporalSession } from './temporal-session';

/** `ferry console`: the admin console, a web server on loopback over the same Temporal calls as the CLI. */

const USAGE = `Usage: ferry console [--port N] [--host 127.0.0.1] [--temporal-ui URL]

Serves the admin console (migrations, the new-migration wizard, devices, reports) until Ctrl-C. It
talks to Temporal as the other commands do (TEMPORAL_*, the payload keys) and reads the migration
store (FERRY_STATE_DIR or FERRY_STORE_URL); it holds no tenant credentials.
There is ${LOOPBACK_BANNER}: it listens on a loopback address and refuses any other.

Options:
      --port N           the port (default ${DEFAULT_CONSOLE_PORT}; Temporal's Web UI uses 8233)
      --host HOST        a loopback address: 127.0.0.1 (default), ::1 or localhost
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
    if (!isLoopbackHost(host)) throw new UsageError(new NotLoopbackError(host).message);
    const session = await openTemporalSession();
    const { config } = session;
    const temporalUiUrl =
      temporalUi ?? (config.temporal.address ? undefined : `http://127.0.0.1:${config.devServer.uiPort}`);
    let running;
    try {
      running = await startConsole(
        { client: session.client, namespace: session.namespace, taskQueue: config.taskQueue, temporalUiUrl },
        { host, port },
      );
    } catch (err) {
      await session.client.connection.close();
      if (err instanceof NotLoopbackError) throw new UsageError(err.message);
      throw err;
    }
    io.out(
      `Ferry console on ${running.url} (${LOOPBACK_BANNER}); Temporal at ${session.address}. Ctrl-C stops it.`,
    );
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await running.close();
    await session.client.connection.close();
    return EXIT_OK;
  },
};
