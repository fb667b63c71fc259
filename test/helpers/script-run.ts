import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the project's TypeScript commands (`chaos/run.ts`, `bench/run.ts`) as npm would, to its end. */
export function runScript(script: string, args: string[]): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--transpile-only', script, ...args],
      { cwd: ROOT, env: process.env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A `--json` command's report: its last stdout line, when that is JSON. */
export function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
