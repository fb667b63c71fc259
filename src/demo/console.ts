import { once } from 'node:events';
import type { Client } from '@temporalio/client';
import { LOOPBACK_BANNER } from '../console/server/loopback';
import { startConsole } from '../console/server/serve';

/**
 * `npm run demo -- --console`: after the run, the admin console on loopback over the demo's own client
 * (its payload codec included), with the worker, the simulators and Temporal's dev server still up, so
 * the migration can be seen (and acted on) in a browser until Ctrl-C.
 */

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
  const running = await startConsole({ client, namespace, taskQueue, temporalUiUrl }, { port: options.port });
  const stopped = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  try {
    say(`Console: ${running.url}/migrations/${encodeURIComponent(options.migrationId)} (${LOOPBACK_BANNER})`);
    if (temporalUiUrl) say(`Temporal UI: ${temporalUiUrl}`);
    say('The console, the worker, the simulators and Temporal stay up until Ctrl-C.');
    await stopped;
  } finally {
    await running.close();
  }
}

/** Without --console, once the demo has stopped the dev server it started: how to see a run again. */
export function seeAgain(stateDir: string): string {
  return (
    `Temporal's dev server stopped with the demo; its history stays in ${stateDir}. To see the runs in a ` +
    'browser: npm run demo -- --console (the console and Temporal UI stay up after it, every run listed)'
  );
}
