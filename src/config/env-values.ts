import { z } from 'zod';

/** How one environment value is read; every key of Ferry's environment goes through these. */

/** Blank is unset: `KEY=` in an env file means the same as leaving KEY out. */
export const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const ON = ['true', '1', 'yes'] as const;
const OFF = ['false', '0', 'no'] as const;

/** A switch: true/1/yes or false/0/no in any case; unset or blank is undefined (the caller's default). */
export const envFlag = optionalText
  .transform((v) => v?.toLowerCase())
  .pipe(z.enum([...ON, ...OFF], { error: 'must be true or false' }).optional())
  .transform((v) => (v === undefined ? undefined : (ON as readonly string[]).includes(v)));
