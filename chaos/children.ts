import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

/** `ts-node --transpile-only SCRIPT …` as one process (no wrapper: a SIGKILL reaches the program itself). */
export function tsNodeCommand(script: string, args: string[] = []): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, script), ...args],
  };
}

/** When a process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Every process the chaos run starts, so that each is killed when the run ends, however it ends: a
 * normal end, a failure, Ctrl-C, or an exception (the `exit` hook kills what is left, synchronously).
 */
export class Children {
  private readonly live = new Set<ChildProcess>();
  private readonly pids = new Set<number>();

  constructor() {
    process.once('exit', () => this.killAll());
  }

  /** Starts a process; `logFile` (appended to) takes its stdout and stderr unless `pipeStdout`. */
  spawn(
    command: { command: string; args: string[] },
    options: { env: NodeJS.ProcessEnv; logFile: string; pipeStdout?: boolean },
  ): ChildProcess {
    const log = openSync(options.logFile, 'a', 0o600);
    try {
      const child = spawn(command.command, command.args, {
        cwd: ROOT,
        env: options.env,
        stdio: ['ignore', options.pipeStdout ? 'pipe' : log, log],
      });
      this.live.add(child);
      child.once('exit', () => this.live.delete(child));
      return child;
    } finally {
      closeSync(log);
    }
  }

  /** A process started elsewhere (the dev server), known by its pid. */
  adopt(pid: number): void {
    this.pids.add(pid);
  }

  forget(pid: number): void {
    this.pids.delete(pid);
  }

  killAll(): void {
    for (const child of this.live) child.kill('SIGKILL');
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.pids.clear();
  }
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
