import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import {
  DEFAULT_DURATIONS,
  DEFAULT_MIGRATION_OPTIONS,
  MAX_ABM_DEADLINE_DAYS,
  durationMs,
  type MigrationDurations,
  type MigrationOptions,
} from '../workflows/device/messages';

/**
 * A migration's options (SPEC §1), from `ferry` flags (all text) or a plain object (a JSON file, an API
 * call). Every key is optional and defaults to DEFAULT_MIGRATION_OPTIONS; unknown keys are errors, so a
 * typo never silently falls back to a default.
 */

function choice<T extends string>(values: readonly [T, ...T[]]) {
  return z.enum(values, {
    error: (iss) => `${JSON.stringify(iss.input)} is not one of ${values.join(', ')}`,
  });
}

/** A Temporal duration: `14 days`, `10m`, `1.5h`, or a number of milliseconds; more than zero. */
const duration = z.union([z.string().trim(), z.number()]).transform((value, ctx): Duration => {
  const bad = (message: string) => (ctx.addIssue({ code: 'custom', message }), z.NEVER);
  if (typeof value === 'string' && /^[\d.]+$/.test(value)) {
    return bad(`"${value}" needs a unit, e.g. "${value}m" or "${value} days"`);
  }
  let ms: number;
  try {
    ms = durationMs(value as Duration);
  } catch {
    return bad(`${JSON.stringify(value)} is not a duration, e.g. "14 days" or "10m"`);
  }
  if (!Number.isFinite(ms) || ms <= 0) return bad(`${JSON.stringify(value)} must be longer than zero`);
  return value as Duration;
});

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** `old.example=new.example,a.example=b.example` or `{ "old.example": "new.example" }`; lower-cased. */
const domainMap = z
  .union([
    z.string().transform((text) =>
      text
        .split(',')
        .map((pair) => pair.trim())
        .filter((pair) => pair !== '')
        .map((pair) => pair.split('=').map((side) => side.trim())),
    ),
    z.record(z.string(), z.string()).transform((map) => Object.entries(map)),
  ])
  .transform((pairs, ctx) => {
    const map: Record<string, string> = {};
    for (const pair of pairs) {
      const [from, to] = pair.map((side) => side.toLowerCase());
      const shown = pair.join('=');
      if (pair.length !== 2 || !from || !to) {
        ctx.addIssue({ code: 'custom', message: `"${shown}" must read old.example=new.example` });
      } else if (!DOMAIN.test(from) || !DOMAIN.test(to)) {
        ctx.addIssue({ code: 'custom', message: `"${shown}" maps a mail domain to a mail domain, no @` });
      } else if (from in map) {
        ctx.addIssue({ code: 'custom', message: `"${from}" is mapped twice` });
      } else map[from] = to;
    }
    return map;
  });

const RANGE = { error: 'must be a whole number from 0 to 20' };
const count = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], {
    error: (iss) => `${JSON.stringify(iss.input)} is not a whole number`,
  })
  .pipe(z.number().int(RANGE).min(0, RANGE).max(20, RANGE));

const DEADLINE = { error: `must be a whole number of days from 1 to ${MAX_ABM_DEADLINE_DAYS}` };
const deadlineDays = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], {
    error: (iss) => `${JSON.stringify(iss.input)} is not a whole number of days`,
  })
  .pipe(z.number().int(DEADLINE).min(1, DEADLINE).max(MAX_ABM_DEADLINE_DAYS, DEADLINE));

/** The target's token settings as declared (the console's Authentication tab; the API exposes none). */
const wholeNumber = (min: number, max: number, range: string) => {
  const error = { error: `must be a whole number ${range}` };
  return z
    .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], {
      error: (iss) => `${JSON.stringify(iss.input)} is not a whole number`,
    })
    .pipe(z.number().int(error).min(min, error).max(max, error));
};

const FLAG_WORDS = new Map([
  ['true', true],
  ['yes', true],
  ['on', true],
  ['false', false],
  ['no', false],
  ['off', false],
]);

/** true/false, or the words a flag carries: true, false, yes, no, on, off. */
const flag = z
  .union([z.boolean(), z.string()], { error: (iss) => `${JSON.stringify(iss.input)} is not true or false` })
  .transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const word = FLAG_WORDS.get(value.trim().toLowerCase());
    if (word !== undefined) return word;
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not one of ${[...FLAG_WORDS.keys()].join(', ')}`,
    });
    return z.NEVER;
  });

const anObject = (iss: { code: string }) => (iss.code === 'invalid_type' ? 'must be an object' : undefined);

const tokenSettingsSchema = z.strictObject(
  {
    enrollmentMode: choice(['registered_devices_only', 'open']).optional(),
    requireRegistrationToken: flag.optional(),
    registrationTokenType: choice(['single_factor', 'two_factor']).optional(),
    // The console's own bounds (docs.vmware.com GUID-AWT-ENROLLMENT-ENABLEREGTOKENSDEFMSG).
    registrationTokenLength: wholeNumber(6, 20, 'from 6 to 20 (the console allows no other)').optional(),
    tokenExpirationHours: wholeNumber(1, 100_000, 'of hours, at least 1').optional(),
  },
  { error: anObject },
);
const TOKEN_SETTING_KEYS = Object.keys(tokenSettingsSchema.shape);

const durationsSchema = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_DURATIONS).map((key) => [key, duration.optional()])) as Record<
    keyof MigrationDurations,
    z.ZodOptional<typeof duration>
  >,
  { error: anObject },
);

const words = (key: string) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/** Each wait is polled at an interval that must be shorter than the wait itself. */
export const INTERVAL_OF: Partial<Record<keyof MigrationDurations, keyof MigrationDurations>> = {
  abmCheckInterval: 'abmWait',
  adeSyncCheckInterval: 'adeSyncTimeout',
  sourceRemovalCheckInterval: 'sourceRemovalTimeout',
  enrollmentCheckInterval: 'enrollmentTimeout',
};

const withDefaults = <T extends object>(defaults: T, input: Partial<T> = {}): T => ({
  ...defaults,
  ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)),
});

const noIssueAt = (path: string) => (payload: { issues: { path?: PropertyKey[] }[] }) =>
  !payload.issues.some((issue) => issue.path?.[0] === path);

export const migrationOptionsSchema = z
  .strictObject(
    {
      iosAdeMethod: choice(['erase', 'standard', 'abm_deadline']).optional(),
      android: choice(['wipe_to_fully_managed', 'keep']).optional(),
      userMatching: choice(['email', 'local_part']).optional(),
      domainMap: domainMap.optional(),
      source: choice(['workspace-one', 'intune', 'manual']).optional(),
      maxTokenReissues: count.optional(),
      abmAutoAssign: flag.optional(),
      abmDeadlineDays: deadlineDays.optional(),
      // Absent: the retire or wipe follows the user's message at once (the message still names its time).
      noticePeriod: duration.optional(),
      tokenSettings: tokenSettingsSchema.optional(),
      durations: durationsSchema.optional(),
    },
    { error: anObject },
  )
  .superRefine(
    (input, ctx) => {
      if (input.userMatching !== 'local_part' || Object.keys(input.domainMap ?? {}).length > 0) return;
      const message = 'is required to match users by local part, e.g. old.example=new.example';
      ctx.addIssue({ code: 'custom', path: ['domainMap'], message });
    },
    { when: (p) => noIssueAt('userMatching')(p) && noIssueAt('domainMap')(p) },
  )
  .superRefine(
    (input, ctx) => {
      const durations = withDefaults(DEFAULT_DURATIONS, input.durations);
      for (const [interval, wait] of Object.entries(INTERVAL_OF)) {
        const [a, b] = [durations[interval as keyof MigrationDurations], durations[wait]];
        if (durationMs(a) < durationMs(b)) continue;
        const message = `"${String(a)}" must be shorter than the ${words(wait)} ("${String(b)}")`;
        ctx.addIssue({ code: 'custom', path: ['durations', interval], message });
      }
    },
    { when: noIssueAt('durations') },
  )
  .transform(({ tokenSettings, ...input }): MigrationOptions => ({
    ...withDefaults(DEFAULT_MIGRATION_OPTIONS, input as Partial<MigrationOptions>),
    durations: withDefaults(DEFAULT_DURATIONS, input.durations),
    // Only what was declared: an empty declaration is none.
    ...(tokenSettings && Object.keys(tokenSettings).length > 0 ? { tokenSettings } : {}),
  }));

export class MigrationOptionsError extends Error {
  readonly type = 'MigrationOptionsError';
  constructor(readonly problems: string[]) {
    super(`Invalid migration options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates migration options; throws a MigrationOptionsError listing every bad key. */
export function parseMigrationOptions(
  input: unknown,
  keyName: (path: string) => string = (path) => path,
): MigrationOptions {
  const parsed = migrationOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${keyName(path ? `${path}.${key}` : key)}: unknown option`);
    }
    return [`${path ? keyName(path) : '(options)'}: ${issue.message}`];
  });
  throw new MigrationOptionsError(problems);
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** noticePeriod has no default (none), so it is named here: it is not among the defaults' keys. */
const OPTION_KEYS = [
  ...Object.keys(DEFAULT_MIGRATION_OPTIONS).filter((key) => key !== 'durations'),
  'noticePeriod',
];
const DURATION_KEYS = Object.keys(DEFAULT_DURATIONS);

/** One text flag per option for `node:util` parseArgs: `--ios-ade-method erase --enrollment-timeout 7d`. */
export const MIGRATION_OPTION_FLAGS: Record<string, { type: 'string' }> = Object.fromEntries(
  [...OPTION_KEYS, ...DURATION_KEYS, ...TOKEN_SETTING_KEYS].map((key) => [kebab(key), { type: 'string' }]),
);

/** Options from parsed flags (see MIGRATION_OPTION_FLAGS); problems name the flags, not the keys. */
export function migrationOptionsFromFlags(values: Record<string, unknown>): MigrationOptions {
  const pick = (keys: string[]) =>
    Object.fromEntries(
      keys.filter((key) => values[kebab(key)] !== undefined).map((key) => [key, values[kebab(key)]]),
    );
  return parseMigrationOptions(
    { ...pick(OPTION_KEYS), durations: pick(DURATION_KEYS), tokenSettings: pick(TOKEN_SETTING_KEYS) },
    (path) => `--${kebab(path.split('.').pop() ?? path)}`,
  );
}
