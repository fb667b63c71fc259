import type { FastifyInstance } from 'fastify';
import { buildConsoleApp, type ConsoleAppOptions } from './app';
import { authSettings } from './auth/console-auth';
import type { ConsoleContext } from './context';
import { isLoopbackHost } from '../../config/loopback';

/**
 * Starts the console: what `ferry console` and the demo run. It binds a loopback address, or any
 * address when FERRY_CONSOLE_PUBLIC_URL is https:// (TLS ends at a proxy in front of it: session
 * cookies and passwords never cross a network in clear).
 */

export const DEFAULT_CONSOLE_PORT = 7380;
export const DEFAULT_CONSOLE_HOST = '127.0.0.1';

export class NotLoopbackError extends Error {
  readonly type = 'NotLoopback';
  constructor(host: string) {
    super(
      `--host ${host} is not a loopback address (127.0.0.1, ::1, localhost): to serve other machines, put ` +
        'a TLS proxy in front of the console and set FERRY_CONSOLE_PUBLIC_URL=https://… (its address)',
    );
  }
}

/** Whether the console may listen on `host`: loopback always; another address behind https only. */
export function mayBind(host: string, publicUrl: string | undefined): boolean {
  return isLoopbackHost(host) || Boolean(publicUrl?.startsWith('https://'));
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
  if (!mayBind(host, authSettings(options.auth).publicUrl)) throw new NotLoopbackError(host);
  const app = await buildConsoleApp(context, options);
  await app.listen({ host, port: listen.port ?? DEFAULT_CONSOLE_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}`, close: () => app.close() };
}
