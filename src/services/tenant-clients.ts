import { IntuneClient } from './intune';
import { WorkspaceOneClient } from './workspace-one';
import type { Logger } from '../logger';
import type { IntuneConfig, WorkspaceOneTenantConfig } from '../config';

/** A Workspace ONE client for a configured tenant: the worker's and the CLI's one way to build it. */
export function workspaceOneClient(tenant: WorkspaceOneTenantConfig, logger: Logger): WorkspaceOneClient {
  return new WorkspaceOneClient(
    { baseUrl: tenant.baseUrl, tenantCode: tenant.tenantCode, auth: tenant.auth },
    logger,
  );
}

export function intuneClient(intune: IntuneConfig, logger: Logger): IntuneClient {
  return new IntuneClient(intune, logger);
}
