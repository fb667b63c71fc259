import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';
import { modeText } from '../../src/services/shared/private-files';

/** The dev server's SQLite file holds every history (users' emails among them): owner-only, like its log. */

const modeOf = (p: string) => modeText(statSync(p).mode);
const posix = process.platform === 'win32' ? test.skip : test;

posix(
  'when the dev server starts on a state folder open to others, then the folder is 0700 and its SQLite file and log 0600',
  async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-dev-server-'));
    chmodSync(stateDir, 0o755);
    const port = await freePort();
    // A log an older Ferry left readable by everyone.
    const oldLog = path.join(stateDir, `temporal-server-${port}.log`);
    writeFileSync(oldLog, '');
    chmodSync(oldLog, 0o644);

    const server = await startDevServer({
      stateDir,
      port,
      uiPort: false,
      cliPath: process.env.TEMPORAL_CLI_PATH,
    });
    try {
      expect(server.reused).toBe(false);
      expect(server.logFile).toBe(oldLog);
      const files = readdirSync(stateDir).sort();
      expect(files).toEqual(expect.arrayContaining(['temporal.sqlite', path.basename(oldLog)]));
      expect(modeOf(stateDir)).toBe('0700');
      expect(Object.fromEntries(files.map((f) => [f, modeOf(path.join(stateDir, f))]))).toEqual(
        Object.fromEntries(files.map((f) => [f, '0600'])),
      );
    } finally {
      await server.stop();
    }
  },
);
