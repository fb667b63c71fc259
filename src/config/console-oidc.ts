import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { optionalText } from './env-values';
import { isLoopbackHost } from './loopback';

/**
 * The console's OpenID Connect sign-in (docs/sign-in.md): the identity provider by its issuer URL, the
 * console's client id and secret there, the scopes it asks for, the claim that carries a person's groups
 * and the initial group → role mapping (the account store keeps the mapping; an Owner edits it in the
 * console; this value seeds it). Unset issuer and no other key: no OIDC sign-in. Problems name the key,
 * never a value (the secret is a secret; a group may be a person's name).
 */

/**
 * The console's roles, least first. Config sits below the console (it may not import it), so the words
 * are spelled here too; src/console/server/auth/oidc.ts checks at compile time that they are `ROLES`.
 */
export const CONSOLE_ROLE_WORDS = ['viewer', 'admin', 'owner'] as const;
export type ConsoleRoleWord = (typeof CONSOLE_ROLE_WORDS)[number];

export interface OidcConfig {
  /** The issuer identifier exactly as the provider's discovery document and ID tokens give it. */
  issuer: string;
  clientId: string;
  /** Sent to the token endpoint only (client_secret_basic); never logged or shown. */
  clientSecret: string;
  /** Always includes `openid`. */
  scopes: string[];
  /** The ID token (or userinfo) claim holding the person's groups. */
  groupsClaim: string;
  /** The initial mapping; the account store's copy is the one sign-in reads. */
  groupRoles: { group: string; role: ConsoleRoleWord }[];
}

export const CONSOLE_OIDC_ENV = {
  issuer: 'FERRY_CONSOLE_OIDC_ISSUER',
  clientId: 'FERRY_CONSOLE_OIDC_CLIENT_ID',
  clientSecret: 'FERRY_CONSOLE_OIDC_CLIENT_SECRET',
  clientSecretFile: 'FERRY_CONSOLE_OIDC_CLIENT_SECRET_FILE',
  scopes: 'FERRY_CONSOLE_OIDC_SCOPES',
  groupsClaim: 'FERRY_CONSOLE_OIDC_GROUPS_CLAIM',
  groupRoles: 'FERRY_CONSOLE_OIDC_GROUP_ROLES',
} as const;

/** Every OIDC key, for the check of unknown keys. */
export const CONSOLE_OIDC_KEYS: readonly string[] = Object.values(CONSOLE_OIDC_ENV);

export const DEFAULT_OIDC_SCOPES = 'openid profile email';
export const DEFAULT_OIDC_GROUPS_CLAIM = 'groups';

/** https, or http on a loopback address (a provider on the same machine: tests, trials). */
const issuerValue = z
  .url({ error: 'must be a URL such as https://login.example.com/tenant/v2.0' })
  .refine((value) => {
    // zod runs refinements after a failed check too: a value that is no URL is reported by .url() alone.
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  }, 'must be an https:// URL (http:// only on a loopback address)')
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment');

const scopesValue = z
  .string()
  .transform((v) => v.split(/[\s,]+/).filter(Boolean))
  .refine((scopes) => scopes.includes('openid'), 'must include openid');

const claimValue = z.string().regex(/^[^\s,]+$/, 'must be one claim name');

/** `group=role,group=role`: the last `=` splits (a group id may hold one); a group may not hold a comma. */
function parseGroupRoles(text: string): { mapping?: OidcConfig['groupRoles']; problem?: string } {
  const mapping: OidcConfig['groupRoles'] = [];
  const entries = text.split(',').map((e) => e.trim());
  for (const [index, entry] of entries.entries()) {
    if (entry === '') continue;
    const at = entry.lastIndexOf('=');
    const group = entry.slice(0, Math.max(at, 0)).trim();
    const role = entry.slice(at + 1).trim();
    // The entry's place, not its text: a group name can be a person's.
    const where = `entry ${index + 1}`;
    if (at < 1 || group === '') return { problem: `${where}: must be group=role` };
    if (!(CONSOLE_ROLE_WORDS as readonly string[]).includes(role)) {
      return { problem: `${where}: the role must be one of ${CONSOLE_ROLE_WORDS.join(', ')}` };
    }
    const earlier = mapping.find((m) => m.group === group);
    if (earlier && earlier.role !== role) return { problem: `${where}: the group is mapped twice` };
    if (!earlier) mapping.push({ group, role: role as ConsoleRoleWord });
  }
  return { mapping };
}

/** The secret from its variable (not trimmed: a secret may end in a space) or from its file. */
function readSecret(
  env: Record<string, string | undefined>,
  readFile: (file: string) => string,
): { secret?: string; problem?: string } {
  const { clientSecret: key, clientSecretFile: fileKey } = CONSOLE_OIDC_ENV;
  const direct = env[key] || undefined;
  const file = env[fileKey]?.trim() || undefined;
  if (direct && file) return { problem: `${key}: set ${key} or ${fileKey}, not both` };
  if (direct) return { secret: direct };
  if (!file) return { problem: `${key}: required with ${CONSOLE_OIDC_ENV.issuer} (or ${fileKey})` };
  let text: string;
  try {
    text = readFile(file);
  } catch {
    return { problem: `${fileKey}: cannot read the file` };
  }
  // Editors and `echo` end a file with a newline that is not part of the secret.
  const secret = text.replace(/\r?\n$/, '');
  return secret ? { secret } : { problem: `${fileKey}: the file is empty` };
}

/**
 * The OIDC settings from `FERRY_CONSOLE_OIDC_*`, with every problem by key. `oidc` is undefined when no
 * issuer is set (no OIDC sign-in) or when there are problems; any other OIDC key set without an issuer
 * is a problem (the console would otherwise silently offer local accounts only).
 */
export function readConsoleOidcEnv(
  env: Record<string, string | undefined>,
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): { oidc?: OidcConfig; problems: string[] } {
  const E = CONSOLE_OIDC_ENV;
  const text = (key: string) => optionalText.parse(env[key]);
  const issuerText = text(E.issuer);
  if (!issuerText) {
    const set = CONSOLE_OIDC_KEYS.filter((k) => k !== E.issuer && env[k]?.trim());
    const problems = set.length > 0 ? [`${E.issuer}: required with ${set.join(', ')}`] : [];
    return { problems };
  }
  const problems: string[] = [];
  const read = <T>(key: string, schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(`${key}: ${parsed.error.issues[0]!.message}`);
    return undefined;
  };
  const issuer = read(E.issuer, issuerValue, issuerText);
  const clientId = text(E.clientId);
  if (!clientId) problems.push(`${E.clientId}: required with ${E.issuer}`);
  const { secret, problem: secretProblem } = readSecret(env, readFile);
  if (secretProblem) problems.push(secretProblem);
  const scopes = read(E.scopes, scopesValue, text(E.scopes) ?? DEFAULT_OIDC_SCOPES);
  const groupsClaim = read(E.groupsClaim, claimValue, text(E.groupsClaim) ?? DEFAULT_OIDC_GROUPS_CLAIM);
  const { mapping, problem } = parseGroupRoles(text(E.groupRoles) ?? '');
  if (problem) problems.push(`${E.groupRoles}: ${problem}`);
  if (problems.length > 0) return { problems };
  return {
    oidc: {
      issuer: issuer!,
      clientId: clientId!,
      clientSecret: secret!,
      scopes: scopes!,
      groupsClaim: groupsClaim!,
      groupRoles: mapping!,
    },
    problems,
  };
}
