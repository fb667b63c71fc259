import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildConsoleApp, type ConsoleAppOptions } from '../../../src/console/server/app';
import { perFile } from '../../helpers/set-up';

/**
 * The console's app over the suite's dev server, driven through fastify's inject (real routes, real
 * Temporal, no socket), with a session: the CSRF cookie and token a page holds.
 */

export interface ConsoleSession {
  app: FastifyInstance;
  token: string;
  cookie: string;
  /** A request with the session's cookie and, unless `csrf: false`, its x-csrf-token header. */
  request(options: InjectOptions & { csrf?: boolean }): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, csrf?: boolean): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
}

export async function openConsole(
  env: TestWorkflowEnvironment,
  taskQueue = 'console-test-no-worker',
  options: ConsoleAppOptions = {},
): Promise<ConsoleSession> {
  const app = await buildConsoleApp(
    {
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue,
      temporalUiUrl: 'http://127.0.0.1:8233',
    },
    { logLevel: 'silent', ...options },
  );
  const answer = await app.inject({ method: 'GET', url: '/api/session' });
  const token = (answer.json() as { csrfToken: string }).csrfToken;
  const cookie = answer.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const session: ConsoleSession = {
    app,
    token,
    cookie,
    request: ({ csrf = true, headers, ...options }) =>
      app.inject({
        ...options,
        headers: { cookie, ...(csrf ? { 'x-csrf-token': token } : {}), ...headers },
      }),
    post: (url, body, csrf = true) =>
      session.request({
        method: 'POST',
        url,
        ...(body === undefined ? {} : { payload: body as object }),
        csrf,
      }),
    get: (url) => session.request({ method: 'GET', url }),
  };
  return session;
}

/** The console for this file's tests, closed after them. */
export function consolePerFile(env: TestWorkflowEnvironment, taskQueue?: () => string): () => ConsoleSession {
  return perFile(
    'the console',
    () => openConsole(env, taskQueue?.()),
    (s) => s.app.close(),
  );
}
