import ms, { type StringValue } from 'ms';

/**
 * `--since T` (and the console's `?since=`): an ISO 8601 date or time (`2026-11-30`,
 * `2026-11-30T08:00:00Z`), or a duration back from now (`2 days`, `12h`). Undefined: not a time.
 */
export function parseSince(text: string, now = Date.now()): Date | undefined {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const at = new Date(trimmed);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  const back = ms(trimmed as StringValue);
  if (typeof back !== 'number' || Number.isNaN(back) || back < 0) return undefined;
  return new Date(now - back);
}

export const SINCE_HELP =
  'an ISO 8601 date or time (2026-11-30, 2026-11-30T08:00Z) or a duration back from now (2 days, 12h)';
