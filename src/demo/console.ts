import { once } from 'node:events';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { openAccountStore } from '../console/server/auth/account-store';
import { createSetUpLink, setUpPath } from '../console/server/auth/set-up-links';
import { startConsole } from '../console/server/serve';

/**
 * `npm run demo -- --console`: after the run, the admin console on loopback over the demo's own client
 * (its payload codec included), with the worker, the simulators and Temporal's dev server still up, so
 * the migration can be seen (and acted on) in a browser until Ctrl-C. It prints a one-time set-up link
 * for the demo's Owner account (`demo`), as `ferry console-owner demo --force` would.
 */

const DEMO_OWNER = 'demo';

export interface DemoConsoleOptions {
  client: Client;
  namespace: string;
  taskQueue: string;
  port: number;
  migrationId: string;
  /** Temporal's Web UI when the demo runs the dev server: the console links device workflows to it. */
  temporalUiUrl?: string;
  say: (line: string) => void;
}

/** Serves the console until SIGINT or SIGTERM, then closes it. */
export async function serveDemoConsole(options: DemoConsoleOptions): Promise<void> {
  const { client, namespace, taskQueue, temporalUiUrl, say } = options;
  const config = loadConfig();
  const store = await openAccountStore(config);
  const running = await startConsole(
    { client, namespace, taskQueue, temporalUiUrl },
    { port: options.port },
    { auth: { store, settings: config.consoleAuth } },
  );
  const stopped = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  try {
    const { token } = await createSetUpLink(
      store,
      {
        username: DEMO_OWNER,
        name: 'Demo Owner',
        role: 'owner',
        kind: 'owner',
        createdBy: 'the demo',
        force: true,
      },
      config.consoleAuth.setUpLinkMs,
      Date.now(),
    );
    say(`Console: ${running.url}/migrations/${encodeURIComponent(options.migrationId)} (sign-in required)`);
    say(
      `Set up the demo's Owner account (once; a password and an authenticator app): ${running.url}${setUpPath(token)}`,
    );
    if (temporalUiUrl) say(`Temporal UI: ${temporalUiUrl}`);
    say('The console, the worker, the simulators and Temporal stay up until Ctrl-C.');
    await stopped;
  } finally {
    await running.close();
    await store.close();
  }
}

/** Without --console, once the demo has stopped the dev server it started: how to see a run again. */
export function seeAgain(stateDir: string): string {
  return (
    `Temporal's dev server stopped with the demo; its history stays in ${stateDir}. To see the runs in a ` +
    'browser: npm run demo -- --console (the console and Temporal UI stay up after it, every run listed)'
  );
}
