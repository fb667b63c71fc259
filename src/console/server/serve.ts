import type { FastifyInstance } from 'fastify';
import { buildConsoleApp, type ConsoleAppOptions } from './app';
import type { ConsoleContext } from './context';
import { LOOPBACK_BANNER, isLoopbackHost } from './loopback';

/** Starts the console on a loopback address: what `ferry console` and the demo run. */

export const DEFAULT_CONSOLE_PORT = 7380;
export const DEFAULT_CONSOLE_HOST = '127.0.0.1';

export class NotLoopbackError extends Error {
  readonly type = 'NotLoopback';
  constructor(host: string) {
    super(
      `--host ${host} is not a loopback address: the console has ${LOOPBACK_BANNER} (127.0.0.1, ::1, localhost)`,
    );
  }
}

export interface RunningConsole {
  app: FastifyInstance;
  /** `http://127.0.0.1:7380` */
  url: string;
  close(): Promise<void>;
}

export async function startConsole(
  context: ConsoleContext,
  listen: { host?: string; port?: number } = {},
  options: ConsoleAppOptions = {},
): Promise<RunningConsole> {
  const host = listen.host ?? DEFAULT_CONSOLE_HOST;
  if (!isLoopbackHost(host)) throw new NotLoopbackError(host);
  const app = await buildConsoleApp(context, options);
  await app.listen({ host, port: listen.port ?? DEFAULT_CONSOLE_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}`, close: () => app.close() };
}
