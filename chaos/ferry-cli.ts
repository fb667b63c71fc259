import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './children';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/ferry.js …` as an admin would, keeping everything it printed: the run scans the CLI's
 * output for secrets and emails at the end.
 */
export class FerryCli {
  /** Every line the CLI printed in this run, stdout and stderr. */
  readonly output: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  run(args: string[]): Promise<CliRun> {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ferry.js'), ...args], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: CliRun = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    return new Promise((resolve) =>
      child.on('close', (code) => {
        this.output.push(run.stdout, run.stderr);
        resolve({ ...run, code });
      }),
    );
  }

  /** Runs the command until it exits 0 (Temporal may be restarting), at most `attempts` times. */
  async runUntilOk(args: string[], attempts = 10): Promise<CliRun> {
    let last: CliRun | undefined;
    for (let i = 0; i < attempts; i++) {
      last = await this.run(args);
      if (last.code === 0) return last;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    throw new Error(`ferry ${args[0]} failed ${attempts} times: ${last?.stderr.trim().split('\n').pop()}`);
  }
}
