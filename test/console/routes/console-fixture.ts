import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AccountStore } from '../../../src/console/server/auth/account-store';
import type { Role } from '../../../src/console/server/auth/identity';
import { buildConsoleApp, type ConsoleAppOptions } from '../../../src/console/server/app';
import { perFile } from '../../helpers/set-up';
import { anonymous, signedIn, testAccountStore, type InjectSession } from '../auth-helpers';

/**
 * The console's app over the suite's dev server, driven through fastify's inject (real routes, real
 * Temporal, no socket), with an account store of its own and an Admin signed in: the session and CSRF
 * cookies and the token a page holds.
 */

export interface ConsoleSession extends InjectSession {
  store: AccountStore;
  /** Another person, of `role`, signed in to the same console. */
  as(role: Role): Promise<InjectSession>;
  /** No one signed in (the sign-in page's CSRF token only). */
  anonymous(): Promise<InjectSession>;
}

export async function openConsole(
  env: TestWorkflowEnvironment,
  taskQueue = 'console-test-no-worker',
  options: ConsoleAppOptions = {},
  role: Role = 'admin',
): Promise<ConsoleSession> {
  const accounts = testAccountStore();
  const store = options.auth?.store ?? accounts.store;
  const app = await buildConsoleApp(
    {
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue,
      temporalUiUrl: 'http://127.0.0.1:8233',
    },
    { logLevel: 'silent', ...options, auth: { ...options.auth, store } },
  );
  app.addHook('onClose', async () => accounts.remove());
  const now = options.auth?.now;
  const session = await signedIn(app, store, role, now);
  return Object.assign(session, {
    store,
    as: (other: Role) => signedIn(app, store, other, now),
    anonymous: () => anonymous(app),
  });
}

/** The console for this file's tests, closed after them. */
export function consolePerFile(env: TestWorkflowEnvironment, taskQueue?: () => string): () => ConsoleSession {
  return perFile(
    'the console',
    () => openConsole(env, taskQueue?.()),
    (s) => s.app.close(),
  );
}
