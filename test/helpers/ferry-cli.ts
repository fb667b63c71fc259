import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the CLI on the suite's dev server; `env` overrides variables, `onStdout` sees output live. */
export function ferry(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onStdout?: (soFar: string) => void } = {},
): Promise<Run> {
  const child = spawn(process.execPath, ['bin/ferry.js', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: process.env.FERRY_TEST_NAMESPACE ?? 'default',
      ...options.env,
    },
  });
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
    options.onStdout?.(run.stdout);
  });
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ ...run, code })));
}

export const lines = (text: string) => text.trimEnd().split('\n');
