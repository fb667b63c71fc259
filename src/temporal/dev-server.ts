import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { FERRY_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { findTemporalBinary } from './binaries';
import { ensurePrivateDir, openPrivateFile, tightenPrivateFile } from '../services/shared/private-files';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const INDEXED_TYPE: Record<string, number> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export interface DevServerOptions {
  /** Folder for the SQLite file and the server's log; the same folder resumes where the server stopped. */
  stateDir: string;
  port: number;
  /** Web UI port; false for a headless server. */
  uiPort: number | false;
  namespace?: string;
  cliPath?: string;
  /** SQLite file name inside stateDir; null keeps everything in memory (tests). */
  dbFile?: string | null;
  /** How long to wait for the server to answer (the SDK's own launcher allows only 5 s). */
  startTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** True when a server already answered on the port and Ferry attached to it instead of starting one. */
  reused: boolean;
  pid?: number;
  logFile?: string;
  /** Stops the server Ferry started (SIGTERM, then SIGKILL); a reused server is left running. */
  stop(): Promise<void>;
}

async function answers(address: string, timeoutMs: number): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** Ferry's search attributes as the operator API wants them: name -> indexed value type. */
export function searchAttributeTypes(keys = FERRY_SEARCH_ATTRIBUTES): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k.name, INDEXED_TYPE[k.type]!]));
}

/** Adds whichever of Ferry's search attributes the namespace lacks (a resumed SQLite file keeps old ones). */
export async function registerSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = FERRY_SEARCH_ATTRIBUTES.filter((k) => !known.has(k.name));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: searchAttributeTypes(missing),
    });
  } finally {
    await connection.close();
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * The SQLite file holds every workflow's history (users' emails among them), and the Temporal CLI
 * creates it, its journal files (`-wal`, `-shm`) too, with its own modes: made owner-only once they
 * exist. The folder is 0700 from the start, so nobody else could read them in the meantime.
 */
async function tightenDatabase(stateDir: string, dbFile: string): Promise<void> {
  const names = await readdir(stateDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(dbFile))) {
    await tightenPrivateFile(path.join(stateDir, name));
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `temporal server start-dev` on loopback with a SQLite file under stateDir, or attaches to a
 * server that already answers on the port. Waits until the server answers and Ferry's search attributes
 * exist. When no CLI binary can be found or installed, the SDK downloads one (needs internet).
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = options.uiPort === false ? undefined : `http://127.0.0.1:${options.uiPort}`;
  const progress = options.onProgress ?? (() => undefined);
  await ensurePrivateDir(options.stateDir);

  if (await answers(address, 1_000)) {
    await registerSearchAttributes(address, namespace);
    return { address, namespace, uiUrl, reused: true, stop: async () => undefined };
  }

  const cli = await findTemporalBinary('cli', { explicitPath: options.cliPath, onProgress: progress });
  const dbFile = options.dbFile === undefined ? 'temporal.sqlite' : options.dbFile;
  if (!cli) return startWithSdkDownload(options, namespace, dbFile);

  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    namespace,
  ];
  args.push(...(options.uiPort === false ? ['--headless'] : ['--ui-port', String(options.uiPort)]));
  if (dbFile) args.push('--db-filename', path.join(options.stateDir, dbFile));
  args.push('--log-format', 'json', '--log-level', 'warn');
  for (const key of FERRY_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${key.type}`);

  // A file left by an earlier run is tightened before the server reopens it.
  if (dbFile) await tightenDatabase(options.stateDir, dbFile);
  const logFile = path.join(options.stateDir, `temporal-server-${options.port}.log`);
  const out = await openPrivateFile(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cli, args, { stdio: ['ignore', out.fd, out.fd] });
  } finally {
    await out.close();
  }

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answers(address, 1_000))) {
    if (child.exitCode !== null) {
      throw new Error(
        `Temporal dev server exited with code ${child.exitCode} before answering on ${address}.\n${tail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `Temporal dev server did not answer on ${address} in time; its log: ${logFile}\n${tail(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await registerSearchAttributes(address, namespace);
  if (dbFile) await tightenDatabase(options.stateDir, dbFile);
  return { address, namespace, uiUrl, reused: false, pid: child.pid, logFile, stop };
}

async function startWithSdkDownload(
  options: DevServerOptions,
  namespace: string,
  dbFile: string | null,
): Promise<DevServer> {
  options.onProgress?.('No temporal CLI found; letting the Temporal SDK download the dev server …');
  // Loaded lazily: only this fallback needs the testing package's downloader.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir: path.join(options.stateDir, 'sdk-download') },
      port: options.port,
      namespace,
      ...(options.uiPort === false ? {} : { uiPort: options.uiPort }),
      ...(dbFile ? { dbFilename: path.join(options.stateDir, dbFile) } : {}),
      searchAttributes: FERRY_SEARCH_ATTRIBUTES,
    },
  });
  const address = `127.0.0.1:${options.port}`;
  await registerSearchAttributes(address, namespace);
  if (dbFile) await tightenDatabase(options.stateDir, dbFile);
  return {
    address,
    namespace,
    uiUrl: options.uiPort === false ? undefined : `http://127.0.0.1:${options.uiPort}`,
    reused: false,
    stop: () => env.teardown(),
  };
}
