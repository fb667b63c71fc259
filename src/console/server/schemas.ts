import { z } from 'zod';
import { serialProblem } from '../../client/device-fields';
import { checkMigrationId } from '../../services/device-lists/store';
import { DEVICE_ACTION_NAMES } from '../../client/device-action';
import { SINCE_HELP, parseSince } from '../../client/audit/since';
import { VOCABULARY } from './vocabulary';

/** The console's request shapes (zod): every params, query and body is parsed here before use. */

const migrationId = z.string().refine(
  (id) => {
    try {
      checkMigrationId(id);
      return true;
    } catch {
      return false;
    }
  },
  { error: "a migration id is 1 to 128 letters, digits, '.', '_' or '-'" },
);

const serial = z.string().refine((s) => serialProblem(s) === undefined, {
  error: 'a serial number is 4 to 64 letters, digits and inner hyphens',
});

export const migrationParams = z.object({ id: migrationId });
export const deviceParams = z.object({ id: migrationId, serial });

/** The console's names for the fleet's updates; `cancel` is the CLI's cancel-migration. */
export const MIGRATION_ACTION_ROUTES = {
  pause: 'pause',
  resume: 'resume',
  'approve-wave': 'approve-wave',
  'approve-abm': 'approve-abm',
  'start-all': 'start-all',
  cancel: 'cancel-migration',
} as const;

export const migrationActionParams = z.object({
  id: migrationId,
  action: z.enum(Object.keys(MIGRATION_ACTION_ROUTES) as (keyof typeof MIGRATION_ACTION_ROUTES)[]),
});

/**
 * Why an admin acts (kept in the history and the audit). Who acts is the signed-in person
 * (acting-identity.ts): a `by` in the body is refused as an unknown field.
 */
export const adminBody = z.strictObject({ reason: z.string().trim().max(1000).optional() }).default({});

export const DEVICE_COLUMNS = [
  'serial',
  'status',
  'subStatus',
  'platform',
  'enrollment',
  'model',
  'email',
  'updatedAt',
] as const;
export type DeviceColumn = (typeof DEVICE_COLUMNS)[number];

const filterText = z.string().trim().max(256).optional();
/** One of the words (empty: no filter). */
const filterWord = (words: readonly string[]) =>
  z
    .string()
    .trim()
    .refine((w) => w === '' || words.includes(w), { error: `one of ${words.join(', ')}` })
    .optional();

/** The devices table's filters: exact status/platform/enrollment, case-insensitive substrings otherwise. */
export const deviceFilter = z.strictObject({
  status: filterWord(VOCABULARY.statuses),
  subStatus: filterText,
  platform: filterWord(VOCABULARY.platforms),
  enrollment: filterWord(VOCABULARY.enrollmentKinds),
  model: filterText,
  serial: filterText,
  email: filterText,
});
export type DeviceFilter = z.infer<typeof deviceFilter>;

export const devicesQuery = deviceFilter.extend({
  sort: z.enum(DEVICE_COLUMNS).default('serial'),
  order: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const deviceActionBody = z
  .strictObject({
    reason: z.string().trim().max(1000).optional(),
    action: z.enum(DEVICE_ACTION_NAMES),
    serials: z.array(serial).min(1).max(10_000).optional(),
    filter: deviceFilter.optional(),
  })
  .refine((b) => (b.serials === undefined) !== (b.filter === undefined), {
    path: ['serials'],
    error: 'name serials or give a filter (the devices it selects), not both',
  });

export const reportQuery = z.strictObject({ format: z.enum(['csv', 'json']).default('csv') });

/** The audit: JSON to show, or a CSV/JSON download (`format`); `since` as `ferry audit --since`. */
export const auditQuery = z.strictObject({
  format: z.enum(['csv', 'json']).optional(),
  since: z
    .string()
    .max(64)
    .transform((text, ctx) => {
      const at = parseSince(text);
      if (at === undefined) ctx.addIssue({ code: 'custom', message: `not ${SINCE_HELP}` });
      return at ?? new Date(0);
    })
    .optional(),
});

export const uploadParams = z.object({ uploadId: z.uuid() });

/** `ferry start`'s flags by name (without --): text, numbers or true/false. */
const flagValue = z.union([z.string().max(1000), z.number(), z.boolean()]);
const startOptionsShape = z
  .record(z.string(), z.union([flagValue, z.record(z.string(), flagValue)]))
  .default({});

export const startBody = z.strictObject({
  uploadId: z.uuid(),
  name: z.string().trim().min(1, 'a migration needs a name').max(200),
  migrationId: migrationId.optional(),
  options: startOptionsShape,
});

export const preflightBody = z.strictObject({ options: startOptionsShape }).default({ options: {} });
