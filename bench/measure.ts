import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A process's own figures from /proc (Linux): CPU time, current and peak resident memory. The worker
 * runs as a process of its own, so these are its figures alone, without the simulators' or the bench's.
 */

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on every Linux architecture Node runs on). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, so cut at its closing parenthesis).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

export const rssMb = (pid: number) => Math.round(statusKb(pid, 'VmRSS') / 1024);
export const peakRssMb = (pid: number) => Math.round(statusKb(pid, 'VmHWM') / 1024);

/** Starts a new peak (VmHWM) at the current RSS, so each phase has its own; false where not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The p-th percentile (nearest rank) of unsorted numbers; 0 for none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
