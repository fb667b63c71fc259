import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { exited, sleep, tsNodeCommand, type Children } from './children';

/** How long a worker may take to bundle its workflows and start polling (two cores, a busy machine). */
const READY_TIMEOUT_MS = 180_000;

function sizeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/**
 * The worker as Ferry runs it (`ts-node --transpile-only src/worker.ts`), one process at a time, its
 * stdout and stderr appended to one log file across restarts. Ready once it logs "worker running".
 */
export class ChaosWorker {
  private child?: ChildProcess;
  /** Times the worker exited without being killed by the run (each one restarted). */
  unexpectedExits = 0;
  private killing = false;

  constructor(
    private readonly children: Children,
    private readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
    /**
     * The worker program; the benchmark's baseline worker is another one (bench/baseline-worker.ts). A
     * `.js` file (`dist/worker.js`, compiled by `npm run build`) runs on node itself, as in production.
     */
    private readonly script = 'src/worker.ts',
    /** Node's own flags for a `.js` worker (the benchmark's `--profile-worker`: `--cpu-prof`). */
    private readonly nodeArgs: string[] = [],
  ) {}

  /** The running worker's process id (the benchmark reads its CPU and memory from /proc). */
  get pid(): number | undefined {
    return this.down ? undefined : this.child?.pid;
  }

  /** Starts a worker and waits until it polls its task queue. */
  async start(): Promise<void> {
    const from = sizeOf(this.logFile);
    const command = this.script.endsWith('.js')
      ? { command: process.execPath, args: [...this.nodeArgs, path.resolve(this.script)] }
      : tsNodeCommand(this.script);
    const child = this.children.spawn(command, {
      env: this.env,
      logFile: this.logFile,
    });
    this.child = child;
    this.killing = false;
    child.once('exit', () => {
      if (this.child === child && !this.killing) this.unexpectedExits++;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const text = readFileSync(this.logFile, 'utf8').slice(from);
      if (text.includes('"msg":"worker running"')) return;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the worker exited (${child.exitCode ?? child.signalCode}) before it ran:\n${tail(text)}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`the worker did not start in time:\n${tail(text)}`);
      await sleep(200);
    }
  }

  /** Whether the current worker process has exited on its own (the run then starts another). */
  get down(): boolean {
    const c = this.child;
    return c === undefined || c.exitCode !== null || c.signalCode !== null;
  }

  /** SIGKILL: no graceful shutdown, in-flight activities are abandoned mid-call. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.killing = true;
    child.kill('SIGKILL');
    await exited(child);
  }

  /** SIGTERM (Ferry's graceful shutdown), SIGKILL if it is still there after 40 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.down) return;
    this.killing = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    await exited(child);
    clearTimeout(timer);
  }
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
