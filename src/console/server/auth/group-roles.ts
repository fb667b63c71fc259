import { z } from 'zod';
import { ROLES, roleAtLeast, type Role } from './identity';

/**
 * Which role an identity provider's groups give: an Owner edits the mapping in the accounts page;
 * FERRY_CONSOLE_OIDC_GROUP_ROLES (`group=role,group=role`) seeds it once. The highest mapped role wins;
 * no mapped group, no role (and no session).
 */

export type GroupRoleMapping = { group: string; role: Role }[];

export const groupRoleMapping = z
  .array(z.strictObject({ group: z.string().trim().min(1).max(256), role: z.enum(ROLES) }))
  .max(500);

export function roleForGroups(mapping: GroupRoleMapping, groups: readonly string[]): Role | undefined {
  let best: Role | undefined;
  for (const { group, role } of mapping)
    if (groups.includes(group) && (!best || roleAtLeast(role, best))) best = role;
  return best;
}
