import os from 'node:os';
import { DEVICE_STATUSES, type DeviceStatus } from '../../workflows/device/messages';
import { UsageError, type CommandValues } from './command';

/** Flag parsing and small helpers the device-facing commands share. */

export function stringFlag(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** `--status S`: one of the device statuses, or a usage error naming them all. */
export function statusFlag(values: CommandValues): DeviceStatus | undefined {
  const status = stringFlag(values, 'status');
  if (status === undefined) return undefined;
  if (!(DEVICE_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status: unknown status "${status}" (one of ${DEVICE_STATUSES.join(', ')})`);
  }
  return status as DeviceStatus;
}

export function positiveNumber(values: CommandValues, name: string, fallback: number, integer = false) {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name}: "${text}" is not a positive ${integer ? 'whole ' : ''}number`);
  }
  return n;
}

/** The one MIGRATION argument of a command; `extra` says whether more positionals may follow. */
export function migrationArg(positionals: string[], extra = false): string {
  const [migrationId, ...rest] = positionals;
  if (!migrationId) throw new UsageError('MIGRATION is required');
  if (!extra && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return migrationId;
}

class TimedOut extends Error {
  readonly type = 'TimedOut';
}

/**
 * Bounds a call that waits on a worker (updates, queries): without a worker polling the task queue
 * the server would hold it open, and one silent device must not hang a command over a thousand.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimedOut(`${what}: no answer within ${ms / 1000} s (is a Ferry worker running?)`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A left-aligned text table; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function loginName(): string | undefined {
  try {
    return os.userInfo().username || undefined;
  } catch {
    return undefined; // no passwd entry (some containers): the history just has no name
  }
}

export const firstLine = (err: unknown) => String(err instanceof Error ? err.message : err).split('\n')[0]!;
