import { z } from 'zod';
import { envFlag, optionalText } from './env-values';
import { templatesDirProblems } from './templates-dir';

/**
 * The SMTP notifier's settings: part of the one configuration `loadConfig` checks; only the worker uses
 * them. The password is read here only; problems name the key, never the value.
 */
export const smtpConfigSchema = z
  .object({
    host: z.string().trim().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** Implicit TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Refuse to send (and to authenticate) unless the connection was upgraded with STARTTLS. */
    requireTls: z.boolean().optional(),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.string().trim().min(1),
    replyTo: z.string().trim().min(1).optional(),
    /** Who the user should contact, shown in every message as {{supportContact}}. */
    supportContact: z.string().trim().min(1).optional(),
    /** Folder of template overrides (see services/mail/templates.ts). */
    templatesDir: z.string().trim().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.user) !== Boolean(v.password)) {
      ctx.addIssue({ code: 'custom', path: [v.user ? 'password' : 'user'], message: 'set both or neither' });
    }
  });

export type SmtpConfig = z.input<typeof smtpConfigSchema>;
export type ResolvedSmtpConfig = z.output<typeof smtpConfigSchema>;

const portText = optionalText.pipe(
  z.string().regex(/^\d+$/, 'must be a port number').transform(Number).optional(),
);

/** Each setting's key and how its text is read. */
const SMTP_ENV = {
  host: { key: 'FERRY_SMTP_HOST', value: optionalText },
  port: { key: 'FERRY_SMTP_PORT', value: portText },
  secure: { key: 'FERRY_SMTP_SECURE', value: envFlag },
  requireTls: { key: 'FERRY_SMTP_REQUIRE_TLS', value: envFlag },
  user: { key: 'FERRY_SMTP_USER', value: optionalText },
  // Passwords may legitimately begin or end with spaces: not trimmed.
  password: {
    key: 'FERRY_SMTP_PASSWORD',
    value: z
      .string()
      .optional()
      .transform((v) => v || undefined),
  },
  from: { key: 'FERRY_SMTP_FROM', value: optionalText },
  replyTo: { key: 'FERRY_SMTP_REPLY_TO', value: optionalText },
  supportContact: { key: 'FERRY_SUPPORT_CONTACT', value: optionalText },
  templatesDir: { key: 'FERRY_TEMPLATES_DIR', value: optionalText },
} as const satisfies Record<keyof ResolvedSmtpConfig, { key: string; value: z.ZodType }>;

type SmtpField = keyof typeof SMTP_ENV;

/** Every mail key, for the check of unknown keys. */
export const SMTP_KEYS: readonly string[] = Object.values(SMTP_ENV).map((s) => s.key);

/**
 * The SMTP settings from `FERRY_SMTP_*`, `FERRY_SUPPORT_CONTACT` and `FERRY_TEMPLATES_DIR`, with every
 * problem by key (never a value). `smtp` is undefined when `FERRY_SMTP_HOST` is unset (the worker then
 * keeps the LogNotifier) or when there are problems. `loadConfig` reports these with every other key.
 * Every key is read whether or not a host is set, and a mail key set without a host is an error: the
 * worker would otherwise log the users' emails instead of sending them, and devices would wait for
 * users who were never told what to do.
 */
export function readSmtpEnv(env: Record<string, string | undefined>): {
  smtp?: ResolvedSmtpConfig;
  problems: string[];
} {
  const problems: string[] = [];
  // Each key on its own, so that one unreadable value does not hide the problems of the others.
  const raw: Partial<Record<SmtpField, unknown>> = {};
  for (const field of Object.keys(SMTP_ENV) as SmtpField[]) {
    const { key, value } = SMTP_ENV[field];
    const read = value.safeParse(env[key]);
    if (read.success) raw[field] = read.data;
    else problems.push(`${key}: ${read.error.issues[0]!.message}`);
  }
  if (typeof raw.templatesDir === 'string') {
    problems.push(...templatesDirProblems(SMTP_ENV.templatesDir.key, raw.templatesDir));
  }
  if (!raw.host) {
    const set = (Object.keys(SMTP_ENV) as SmtpField[]).filter(
      (f) => f !== 'host' && env[SMTP_ENV[f].key]?.trim(),
    );
    if (set.length > 0) {
      const keys = set.map((f) => SMTP_ENV[f].key).join(', ');
      problems.unshift(`${SMTP_ENV.host.key}: required with ${keys} (without it no email is sent)`);
    }
    return { problems };
  }
  const { user, password } = SMTP_ENV;
  // Also a rule of the schema, but zod skips refinements while other fields fail: checked here too.
  if (Boolean(raw.user) !== Boolean(raw.password)) {
    const missing = raw.user ? password.key : user.key;
    problems.push(`${missing}: set both or neither of ${user.key} and ${password.key}`);
  }
  const parsed = smtpConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as SmtpField;
      const key = SMTP_ENV[field]?.key ?? String(field);
      const message =
        issue.code === 'custom'
          ? `${issue.message} of ${user.key} and ${password.key}`
          : raw[field] === undefined
            ? 'required'
            : 'invalid';
      if (!problems.some((p) => p.startsWith(`${key}:`))) problems.push(`${key}: ${message}`);
    }
  }
  return parsed.success && problems.length === 0 ? { smtp: parsed.data, problems } : { problems };
}
