import { z } from 'zod';
import { optionalText } from './env-values';

/**
 * One Workspace ONE tenant's keys (`WS1_TARGET_*`, `WS1_SOURCE_*`): a base URL, the tenant code and
 * organization group, and either basic credentials or an OAuth client.
 */

export interface WorkspaceOneTenantConfig {
  baseUrl: string;
  tenantCode: string;
  groupId: string;
  auth:
    | { kind: 'basic'; username: string; password: string }
    | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string };
}

export const workspaceOneTenant = (prefix: string) =>
  z
    .object({
      [`${prefix}_BASE_URL`]: optionalText.pipe(z.url().optional()),
      [`${prefix}_TENANT_CODE`]: optionalText,
      [`${prefix}_USERNAME`]: optionalText,
      [`${prefix}_PASSWORD`]: optionalText,
      [`${prefix}_OAUTH_TOKEN_URL`]: optionalText.pipe(z.url().optional()),
      [`${prefix}_OAUTH_CLIENT_ID`]: optionalText,
      [`${prefix}_OAUTH_CLIENT_SECRET`]: optionalText,
      [`${prefix}_GROUP_ID`]: optionalText,
    })
    .superRefine((v, ctx) => {
      if (!v[`${prefix}_BASE_URL`]) return;
      for (const key of [`${prefix}_TENANT_CODE`, `${prefix}_GROUP_ID`]) {
        if (!v[key])
          ctx.addIssue({ code: 'custom', path: [key], message: `required with ${prefix}_BASE_URL` });
      }
      const basic = v[`${prefix}_USERNAME`] && v[`${prefix}_PASSWORD`];
      const oauth =
        v[`${prefix}_OAUTH_TOKEN_URL`] &&
        v[`${prefix}_OAUTH_CLIENT_ID`] &&
        v[`${prefix}_OAUTH_CLIENT_SECRET`];
      if (!basic && !oauth) {
        ctx.addIssue({
          code: 'custom',
          path: [`${prefix}_USERNAME`],
          message: `set ${prefix}_USERNAME and ${prefix}_PASSWORD, or ${prefix}_OAUTH_TOKEN_URL, ${prefix}_OAUTH_CLIENT_ID and ${prefix}_OAUTH_CLIENT_SECRET`,
        });
      }
    });

/** The tenant the keys under `prefix` describe, or undefined when its base URL is not set. */
export function tenant(
  env: Record<string, string | undefined>,
  prefix: string,
): WorkspaceOneTenantConfig | undefined {
  const baseUrl = env[`${prefix}_BASE_URL`];
  if (!baseUrl) return undefined;
  const username = env[`${prefix}_USERNAME`];
  const password = env[`${prefix}_PASSWORD`];
  return {
    baseUrl,
    tenantCode: env[`${prefix}_TENANT_CODE`]!,
    groupId: env[`${prefix}_GROUP_ID`]!,
    auth:
      username && password
        ? { kind: 'basic', username, password }
        : {
            kind: 'oauth',
            tokenUrl: env[`${prefix}_OAUTH_TOKEN_URL`]!,
            clientId: env[`${prefix}_OAUTH_CLIENT_ID`]!,
            clientSecret: env[`${prefix}_OAUTH_CLIENT_SECRET`]!,
          },
  };
}
