import ms, { type StringValue } from 'ms';
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

/**
 * A duration such as `30 days`, `12h` or `1.5 hours`, read by `ms` as Temporal reads durations, into
 * milliseconds; longer than zero. A bare number needs a unit (`30` would be 30 ms). Unset or blank is
 * `fallback`. Messages never quote the value.
 */
export const envDuration = (fallback: StringValue) =>
  optionalText.transform((value, ctx): number => {
    const text = value ?? fallback;
    if (/^[\d.]+$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'needs a unit, e.g. "30 days" or "12h"' });
      return z.NEVER;
    }
    let millis = NaN;
    try {
      millis = ms(text as StringValue);
    } catch {
      // reported below
    }
    if (!Number.isFinite(millis) || millis <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a duration longer than zero, e.g. "30 days" or "12h"',
      });
      return z.NEVER;
    }
    return millis;
  });
