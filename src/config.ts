import { z } from 'zod';
import { envDuration, envFlag, optionalText } from './config/env-values';
import { unknownKeyProblems } from './config/known-keys';
import { readSmtpEnv, SMTP_KEYS, type ResolvedSmtpConfig } from './config/smtp';
import { CONSOLE_OIDC_KEYS, readConsoleOidcEnv, type OidcConfig } from './config/console-oidc';
import {
  ANDROID_STAGING_KEYS,
  readAndroidStagingEnv,
  type AndroidStagingEnrollment,
} from './config/android-staging';
import { PAYLOAD_KEY_KEYS, readPayloadKeysEnv, type PayloadKeys } from './config/payload-keys';
import { CONSOLE_AUTH_KEYS, readConsoleAuthEnv, type ConsoleAuthSettings } from './config/console-auth';
import { tenant, workspaceOneTenant, type WorkspaceOneTenantConfig } from './config/workspace-one-tenant';

export type { WorkspaceOneTenantConfig } from './config/workspace-one-tenant';

export { smtpConfigSchema, type ResolvedSmtpConfig, type SmtpConfig } from './config/smtp';
export type { AndroidStagingEnrollment } from './config/android-staging';
export type { PayloadKeys } from './config/payload-keys';
export type { ConsoleAuthSettings } from './config/console-auth';

/**
 * Everything the worker, the CLI and the demo read from the environment, validated once at start-up.
 * Secrets (passwords, client secrets, API keys) are only ever read here, on the worker's side: they never
 * travel through workflow inputs or histories. The SMTP settings (config/smtp.ts) are checked with every
 * other key, though only the worker sends mail.
 */

const port = z.coerce.number().int().min(1).max(65535);

const ferryEnv = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: envFlag,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_CLI_PATH: optionalText,
  FERRY_TASK_QUEUE: z.string().trim().min(1).default('ferry'),
  FERRY_STATE_DIR: z.string().trim().min(1).default('.ferry'),
  FERRY_DEV_SERVER_PORT: port.default(7233),
  FERRY_DEV_SERVER_UI_PORT: port.default(8233),
  FERRY_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().positive().default(100),
  // 500: see README "Worker settings" (10,000 parked devices in about 600 MB instead of 1.2 GB).
  FERRY_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().default(500),
  FERRY_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  INTUNE_TENANT_ID: optionalText,
  INTUNE_CLIENT_ID: optionalText,
  INTUNE_CLIENT_SECRET: optionalText,
  INTUNE_GRAPH_BASE_URL: optionalText.pipe(z.url().optional()),
  INTUNE_TOKEN_URL: optionalText.pipe(z.url().optional()),
  ABM_CLIENT_ID: optionalText,
  ABM_KEY_ID: optionalText,
  ABM_PRIVATE_KEY_PATH: optionalText,
  ABM_TARGET_SERVER_ID: optionalText,
  ABM_SOURCE_SERVER_ID: optionalText,
  ABM_API_BASE_URL: optionalText.pipe(z.url().optional()),
  ABM_TOKEN_URL: optionalText.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** How long the stored device list of an ended migration is kept (housekeeping). */
  FERRY_DEVICE_LIST_RETENTION: envDuration('30 days'),
  /** postgres://… : the migration store in PostgreSQL (workers on several hosts); unset, files. */
  FERRY_STORE_URL: optionalText.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  ),
});
const targetEnv = workspaceOneTenant('WS1_TARGET');
const sourceEnv = workspaceOneTenant('WS1_SOURCE');

export const envSchema = ferryEnv.and(targetEnv).and(sourceEnv);

/** Every key loadConfig reads; any other key under Ferry's prefixes is reported (config/known-keys.ts). */
export const KNOWN_KEYS: readonly string[] = [
  ...Object.keys(ferryEnv.shape),
  ...Object.keys(targetEnv.shape),
  ...Object.keys(sourceEnv.shape),
  ...SMTP_KEYS,
  ...ANDROID_STAGING_KEYS,
  ...PAYLOAD_KEY_KEYS,
  ...CONSOLE_AUTH_KEYS,
  ...CONSOLE_OIDC_KEYS,
];

/** Rules across keys, checked on the raw environment so they are reported alongside every other problem. */
function crossKeyProblems(env: Record<string, string | undefined>): string[] {
  const problems = [...allOrNothing(env, ABM_KEYS), ...allOrNothing(env, INTUNE_KEYS)];
  if (env.ABM_SOURCE_SERVER_ID?.trim() && !env.ABM_CLIENT_ID?.trim()) {
    problems.push('ABM_SOURCE_SERVER_ID: needs the ABM_* credentials (ABM_CLIENT_ID and its companions)');
  }
  if (env.WS1_SOURCE_BASE_URL?.trim() && env.INTUNE_TENANT_ID?.trim()) {
    problems.push('INTUNE_TENANT_ID: one source per worker: set WS1_SOURCE_* or INTUNE_*, not both');
  }
  const cert = env.TEMPORAL_TLS_CLIENT_CERT_PATH?.trim();
  const key = env.TEMPORAL_TLS_CLIENT_KEY_PATH?.trim();
  if (Boolean(cert) === Boolean(key)) return problems;
  const missing = cert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH';
  return [
    ...problems,
    `${missing}: mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`,
  ];
}

const ABM_KEYS = ['ABM_CLIENT_ID', 'ABM_KEY_ID', 'ABM_PRIVATE_KEY_PATH', 'ABM_TARGET_SERVER_ID'];
const INTUNE_KEYS = ['INTUNE_TENANT_ID', 'INTUNE_CLIENT_ID', 'INTUNE_CLIENT_SECRET'];

/** A service's settings are all or nothing: any one of its keys asks for the others. */
function allOrNothing(env: Record<string, string | undefined>, keys: string[]): string[] {
  const set = keys.filter((k) => env[k]?.trim());
  if (set.length === 0 || set.length === keys.length) return [];
  return keys.filter((k) => !set.includes(k)).map((k) => `${k}: required with ${set[0]}`);
}

export type Env = z.infer<typeof envSchema>;

export interface TemporalConfig {
  /** Unset: Ferry starts (or reuses) its embedded dev server. */
  address?: string;
  namespace: string;
  apiKey?: string;
  tls?: { clientCertPath?: string; clientKeyPath?: string; serverCaCertPath?: string; serverName?: string };
  cliPath?: string;
}

export interface AbmConfig {
  clientId: string;
  keyId: string;
  /** Read by the worker at start-up; the key never leaves the worker. */
  privateKeyPath: string;
  /** The target's MDM server id in Apple Business Manager. */
  targetServerId: string;
  /** The source's MDM server id: a rollback assigns devices back to it (without it, unassigns them). */
  sourceServerId?: string;
  apiBaseUrl?: string;
  tokenUrl?: string;
}

export interface IntuneConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  graphBaseUrl?: string;
  tokenUrl?: string;
}

export interface FerryConfig {
  temporal: TemporalConfig;
  taskQueue: string;
  stateDir: string;
  devServer: { port: number; uiPort: number };
  worker: {
    maxConcurrentActivities: number;
    maxCachedWorkflows?: number;
    maxConcurrentWorkflowTasks?: number;
  };
  logLevel: Env['LOG_LEVEL'];
  target?: WorkspaceOneTenantConfig;
  source?: WorkspaceOneTenantConfig;
  abm?: AbmConfig;
  /** Microsoft Intune as the source tenant (instead of WS1_SOURCE_*). */
  intune?: IntuneConfig;
  /** The end users' mail (unset FERRY_SMTP_HOST: a redacted log line per message instead). */
  smtp?: ResolvedSmtpConfig;
  /** FERRY_ANDROID_STAGING_*: the QR code (and token) fully managed devices' users get before the wipe. */
  androidStaging?: AndroidStagingEnrollment;
  /** FERRY_DEVICE_LIST_RETENTION: how long an ended migration's stored device list is kept. */
  deviceListRetentionMs: number;
  /** FERRY_PAYLOAD_KEYS(_FILE): payloads are encrypted with `current`, decrypted by the id they name. */
  payloadKeys?: PayloadKeys;
  /** FERRY_CODEC_SERVER_TOKEN: the bearer token `ferry codec-server` requires. */
  codecServerToken?: string;
  /** FERRY_STORE_URL: the PostgreSQL migration store (holds a password: never logged or printed). */
  storeUrl?: string;
  /** FERRY_CONSOLE_*: the console's sessions, lock-out, sign-in rate limit, set-up links, public URL. */
  consoleAuth: ConsoleAuthSettings;
  /** FERRY_CONSOLE_OIDC_*: OpenID Connect sign-in to the console (docs/sign-in.md); unset, none. */
  consoleOidc?: OidcConfig;
}

export class ConfigError extends Error {
  readonly type = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment; throws a ConfigError listing every bad key (never its value). */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): FerryConfig {
  const parsed = envSchema.safeParse(source);
  const mail = readSmtpEnv(source);
  const staging = readAndroidStagingEnv(source);
  const payload = readPayloadKeysEnv(source);
  const consoleAuth = readConsoleAuthEnv(source);
  const consoleOidc = readConsoleOidcEnv(source);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`)),
    ...crossKeyProblems(source),
    ...mail.problems,
    ...staging.problems,
    ...payload.problems,
    ...consoleAuth.problems,
    ...consoleOidc.problems,
    ...unknownKeyProblems(source, KNOWN_KEYS),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data! as Env & Record<string, string | undefined>;
  const tls =
    env.TEMPORAL_TLS || env.TEMPORAL_TLS_CLIENT_CERT_PATH || env.TEMPORAL_TLS_SERVER_CA_CERT_PATH
      ? {
          clientCertPath: env.TEMPORAL_TLS_CLIENT_CERT_PATH,
          clientKeyPath: env.TEMPORAL_TLS_CLIENT_KEY_PATH,
          serverCaCertPath: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
          serverName: env.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined;
  return {
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      apiKey: env.TEMPORAL_API_KEY,
      tls,
      cliPath: env.TEMPORAL_CLI_PATH,
    },
    taskQueue: env.FERRY_TASK_QUEUE,
    stateDir: env.FERRY_STATE_DIR,
    devServer: { port: env.FERRY_DEV_SERVER_PORT, uiPort: env.FERRY_DEV_SERVER_UI_PORT },
    worker: {
      maxConcurrentActivities: env.FERRY_MAX_CONCURRENT_ACTIVITIES,
      maxCachedWorkflows: env.FERRY_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTasks: env.FERRY_MAX_CONCURRENT_WORKFLOW_TASKS,
    },
    logLevel: env.LOG_LEVEL,
    target: tenant(env, 'WS1_TARGET'),
    source: tenant(env, 'WS1_SOURCE'),
    intune: env.INTUNE_TENANT_ID
      ? {
          tenantId: env.INTUNE_TENANT_ID,
          clientId: env.INTUNE_CLIENT_ID!,
          clientSecret: env.INTUNE_CLIENT_SECRET!,
          graphBaseUrl: env.INTUNE_GRAPH_BASE_URL,
          tokenUrl: env.INTUNE_TOKEN_URL,
        }
      : undefined,
    abm: env.ABM_CLIENT_ID
      ? {
          clientId: env.ABM_CLIENT_ID,
          keyId: env.ABM_KEY_ID!,
          privateKeyPath: env.ABM_PRIVATE_KEY_PATH!,
          targetServerId: env.ABM_TARGET_SERVER_ID!,
          sourceServerId: env.ABM_SOURCE_SERVER_ID,
          apiBaseUrl: env.ABM_API_BASE_URL,
          tokenUrl: env.ABM_TOKEN_URL,
        }
      : undefined,
    smtp: mail.smtp,
    androidStaging: staging.androidStaging,
    deviceListRetentionMs: env.FERRY_DEVICE_LIST_RETENTION,
    payloadKeys: payload.payloadKeys,
    codecServerToken: payload.codecServerToken,
    storeUrl: env.FERRY_STORE_URL,
    consoleAuth: consoleAuth.settings!,
    ...(consoleOidc.oidc ? { consoleOidc: consoleOidc.oidc } : {}),
  };
}
