/** zod building blocks for Workspace ONE bodies: ids, optional fields, .NET dates. */
import { z } from 'zod';

export const ws1Id = z
  .union([z.number().int(), z.object({ Value: z.number().int() })])
  .transform((v) => (typeof v === 'number' ? v : v.Value));

export const optString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
export const optInt = z
  .number()
  .int()
  .nullish()
  .transform((v) => v ?? undefined);
export const optBool = z
  .boolean()
  .nullish()
  .transform((v) => v ?? undefined);

/**
 * Workspace ONE writes .NET DateTimes, often without a zone designator. A value without one is read as
 * UTC (UNCONFIRMED: a tenant could answer in server-local time). Output is ISO 8601 with `Z`.
 */
export function normaliseWs1Date(value: string): string | undefined {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim());
  const ms = Date.parse(hasZone ? value : `${value.trim()}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export const ws1Date = z
  .string()
  .refine((v) => normaliseWs1Date(v) !== undefined, 'expected a date')
  .transform((v) => normaliseWs1Date(v) ?? v);
