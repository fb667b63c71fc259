import type { Client } from '@temporalio/client';

/**
 * What the console's routes work with: a Temporal client connected as the CLI connects (the payload
 * codec included) and the task queue migrations start on. The console holds no tenant credentials.
 */
export interface ConsoleContext {
  client: Client;
  namespace: string;
  /** The task queue `ferry start` would use (FERRY_TASK_QUEUE). */
  taskQueue: string;
  /** Temporal's Web UI, for links to a device's workflow (absent: no links). */
  temporalUiUrl?: string;
}
