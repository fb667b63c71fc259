import { z } from 'zod';

/**
 * The SMTP notifier's settings, read from the environment once at worker start-up. The password is read
 * here only; problems name the key, never the value.
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
    /** Folder of template overrides (see templates.ts). */
    templatesDir: z.string().trim().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.user) !== Boolean(v.password)) {
      ctx.addIssue({ code: 'custom', path: [v.user ? 'password' : 'user'], message: 'set both or neither' });
    }
  });

export type SmtpConfig = z.input<typeof smtpConfigSchema>;
export type ResolvedSmtpConfig = z.output<typeof smtpConfigSchema>;

export const SMTP_ENV_KEYS = {
  host: 'FERRY_SMTP_HOST',
  port: 'FERRY_SMTP_PORT',
  secure: 'FERRY_SMTP_SECURE',
  requireTls: 'FERRY_SMTP_REQUIRE_TLS',
  user: 'FERRY_SMTP_USER',
  password: 'FERRY_SMTP_PASSWORD',
  from: 'FERRY_SMTP_FROM',
  replyTo: 'FERRY_SMTP_REPLY_TO',
  supportContact: 'FERRY_SUPPORT_CONTACT',
  templatesDir: 'FERRY_TEMPLATES_DIR',
} as const satisfies Record<keyof ResolvedSmtpConfig, string>;

const FLAGS: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  false: false,
  '0': false,
  no: false,
};

/**
 * The SMTP settings from `FERRY_SMTP_*`, `FERRY_SUPPORT_CONTACT` and `FERRY_TEMPLATES_DIR`, or undefined
 * when `FERRY_SMTP_HOST` is unset (the worker then keeps the LogNotifier). Throws one error listing every
 * problem by key.
 */
export function smtpConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): ResolvedSmtpConfig | undefined {
  const read = (key: string) => {
    const v = env[key]?.trim();
    return v === '' ? undefined : v;
  };
  if (!read(SMTP_ENV_KEYS.host)) return undefined;
  const problems: string[] = [];
  const number = (key: string) => {
    const v = read(key);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) problems.push(`${key}: must be a port number`);
    return Number(v);
  };
  const flag = (key: string) => {
    const v = read(key);
    if (v === undefined) return undefined;
    const parsed = FLAGS[v.toLowerCase()];
    if (parsed === undefined) problems.push(`${key}: must be true or false`);
    return parsed;
  };
  const raw = {
    host: read(SMTP_ENV_KEYS.host),
    port: number(SMTP_ENV_KEYS.port),
    secure: flag(SMTP_ENV_KEYS.secure),
    requireTls: flag(SMTP_ENV_KEYS.requireTls),
    user: read(SMTP_ENV_KEYS.user),
    // Passwords may legitimately begin or end with spaces: not trimmed.
    password: env[SMTP_ENV_KEYS.password] || undefined,
    from: read(SMTP_ENV_KEYS.from),
    replyTo: read(SMTP_ENV_KEYS.replyTo),
    supportContact: read(SMTP_ENV_KEYS.supportContact),
    templatesDir: read(SMTP_ENV_KEYS.templatesDir),
  };
  // Also a rule of the schema, but zod skips refinements while other fields fail: checked here too.
  if (Boolean(raw.user) !== Boolean(raw.password)) {
    const missing = raw.user ? SMTP_ENV_KEYS.password : SMTP_ENV_KEYS.user;
    problems.push(`${missing}: set both or neither of ${SMTP_ENV_KEYS.user} and ${SMTP_ENV_KEYS.password}`);
  }
  const parsed = smtpConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof typeof SMTP_ENV_KEYS;
      const key = SMTP_ENV_KEYS[field] ?? String(field);
      const message =
        issue.code === 'custom'
          ? `${issue.message} of ${SMTP_ENV_KEYS.user} and ${SMTP_ENV_KEYS.password}`
          : raw[field] === undefined
            ? 'required'
            : 'invalid';
      if (!problems.some((p) => p.startsWith(`${key}:`))) problems.push(`${key}: ${message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new Error(`Invalid SMTP settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}
