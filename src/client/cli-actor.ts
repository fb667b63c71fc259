import type { Client } from '@temporalio/client';
import type { AdminActor, AdminRequest } from '../workflows/device/messages';
import { loginName } from './commands/flags';

/**
 * Who the CLI acts as, recorded with every action it sends (and read back by `ferry audit`): the OS login
 * that ran `ferry` and the identity its Temporal client connected with (`ferry-cli:<login>@<host>:<pid>`; the
 * Temporal credentials say which service account it was). `--by` only sets the display text.
 */
export function cliActor(client: Client): AdminActor {
  const osLogin = loginName();
  const temporalIdentity = client.options.identity;
  return {
    via: 'cli',
    ...(osLogin ? { osLogin } : {}),
    ...(temporalIdentity ? { temporalIdentity } : {}),
  };
}

/** An action's request from the CLI: `--by` (default: the OS login), `--reason`, and the actor. */
export function cliRequest(client: Client, by: string | undefined, reason: string | undefined): AdminRequest {
  return {
    by: by ?? loginName(),
    ...(reason !== undefined ? { reason } : {}),
    actor: cliActor(client),
  };
}
