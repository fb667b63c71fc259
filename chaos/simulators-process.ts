import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import type { SimulatedSource } from '../src/simulators/args';
import { chaosFaults } from '../src/simulators/faults';
import { SOURCE_TENANT } from '../src/demo/world';
import { exited, tsNodeCommand, type Children } from './children';

/** What `npm run simulators -- --json` prints (src/simulators/main.ts). */
const startedSchema = z.object({
  env: z.record(z.string(), z.string()),
  deviceList: z.string(),
  abmPrivateKey: z.string(),
  stateDir: z.string(),
  admin: z.object({ ws1: z.url(), abm: z.url(), intune: z.url().optional() }),
});

export type SimulatorsInfo = z.infer<typeof startedSchema>;

export interface SimulatorsProcess extends SimulatorsInfo {
  child: ChildProcess;
  /** Turns the faults on (the chaos mix) or off on every simulator, through their `/_sim/faults`. */
  setFaults(on: boolean, seed: number): Promise<void>;
  /**
   * Holds a device where it is once it has left its source (it does not enroll in the target) or lets
   * it go: the run holds one until its last kill, so that the migration cannot end before it.
   */
  holdDevice(serial: string, held: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** GET or POST a simulator's admin route (loopback, no faults); the answer is checked by the caller. */
export async function adminCall(url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** Starts `src/simulators/main.ts` and waits for its one JSON line (the simulators listen by then). */
export async function startSimulatorsProcess(
  children: Children,
  options: {
    devices: number;
    source: SimulatedSource;
    seed: number;
    stateDir: string;
    logFile: string;
    /** `--instant`: no device, ABM or rate-limit delays (the benchmark). */
    instant?: boolean;
    /** `--ade-only`: every device an ADE iPhone (the benchmark's parked devices). */
    adeOnly?: boolean;
  },
): Promise<SimulatorsProcess> {
  const args = ['--json', '--devices', String(options.devices), '--source', options.source];
  if (options.instant) args.push('--instant');
  if (options.adeOnly) args.push('--ade-only');
  args.push('--seed', String(options.seed), '--state-dir', path.join(options.stateDir));
  const child = children.spawn(tsNodeCommand('src/simulators/main.ts', args), {
    env: process.env,
    logFile: options.logFile,
    pipeStdout: true,
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.once('exit', (code) =>
      reject(new Error(`the simulators exited with ${code} before starting; see ${options.logFile}`)),
    );
  });
  const info = startedSchema.parse(JSON.parse(line));
  const admins = Object.values(info.admin).filter((u): u is string => u !== undefined);
  return {
    ...info,
    child,
    setFaults: async (on, seed) => {
      const off = { serverErrorRate: 0, rateLimitedRate: 0, hangRate: 0, resetRate: 0, malformedRate: 0 };
      const mix = on ? chaosFaults(seed) : off;
      await Promise.all(admins.map((admin) => adminCall(`${admin}/faults`, mix)));
    },
    holdDevice: async (serial, held) => {
      const url = `${info.admin.ws1}/tenants/${SOURCE_TENANT}/devices/${encodeURIComponent(serial)}/migration`;
      await adminCall(url, { neverEnrolls: held });
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
