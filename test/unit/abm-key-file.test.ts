import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import { activitiesFromConfig } from '../../src/worker';

/** The worker says at start-up when the ABM private key file is open to group or others. */

const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

/** Builds the worker's activities from a config with ABM, as `npm run worker` does, and returns its log. */
async function workerLogWithKeyMode(
  mode: number,
): Promise<{ keyFile: string; lines: Record<string, unknown>[] }> {
  const keyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-abm-key-')), 'abm.pem');
  writeFileSync(keyFile, PEM);
  chmodSync(keyFile, mode);
  const config = loadConfig({
    WS1_TARGET_BASE_URL: 'https://target.example',
    WS1_TARGET_TENANT_CODE: 'code',
    WS1_TARGET_GROUP_ID: 'corp',
    WS1_TARGET_USERNAME: 'api',
    WS1_TARGET_PASSWORD: 'secret',
    ABM_CLIENT_ID: 'BUSINESSAPI.client',
    ABM_KEY_ID: 'key-id',
    ABM_PRIVATE_KEY_PATH: keyFile,
    ABM_TARGET_SERVER_ID: 'TARGET-SERVER',
  });
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  await activitiesFromConfig(
    config,
    createLogger({ level: 'info' }, sink),
    {} as Client,
    new FileMigrationStore(path.dirname(keyFile)),
  );
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { keyFile, lines };
}

const posix = process.platform === 'win32' ? describe.skip : describe;

posix('ABM private key file mode', () => {
  test('when the key file is 0644, then the worker logs one warning naming the file and its mode, never the key', async () => {
    const { keyFile, lines } = await workerLogWithKeyMode(0o644);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        keyFile,
        mode: '0644',
        msg: 'the ABM private key file is readable or writable by group or others: chmod 600 it',
      }),
    ]);
    const body = PEM.split('\n').find((l) => l.length > 40)!;
    expect(JSON.stringify(lines)).not.toContain(body);
  });

  test('when the key file is 0600, then there is no warning', async () => {
    const { lines } = await workerLogWithKeyMode(0o600);
    expect(lines.filter((l) => Number(l.level) >= 40)).toEqual([]);
  });

  test('when only group may read it (0640), then it warns too', async () => {
    const { lines } = await workerLogWithKeyMode(0o640);
    expect(lines.filter((l) => l.level === 40).map((l) => l.mode)).toEqual(['0640']);
  });
});
