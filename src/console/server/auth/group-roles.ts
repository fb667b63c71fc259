import type { Role } from './identity';

/**
 * Which console role each identity-provider group gives. The account store keeps it (an Owner edits it
 * in the console; FERRY_CONSOLE_OIDC_GROUP_ROLES seeds it); OIDC sign-in reads it at every sign-in.
 */
export type GroupRoleMapping = { group: string; role: Role }[];
