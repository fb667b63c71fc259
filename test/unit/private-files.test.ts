import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  appendPrivateFile,
  createPrivateDirs,
  ensurePrivateDir,
  writePrivateFile,
} from '../../src/services/shared/private-files';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import { device } from '../helpers/devices';

/** Owner-only files under the state folder, whatever the umask and whatever an older Ferry left. */

const modeOf = (p: string) => statSync(p).mode & 0o777;
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'ferry-private-'));

/** Runs with a umask that lets everyone read and write: modes must not depend on the user's umask. */
async function withOpenUmask<T>(run: () => Promise<T>): Promise<T> {
  const before = process.umask(0);
  try {
    return await run();
  } finally {
    process.umask(before);
  }
}

const posix = process.platform === 'win32' ? describe.skip : describe;

posix('private files', () => {
  test('when the store saves a list and records devices not started, then every folder is 0700 and every file 0600', async () => {
    const stateDir = path.join(tempDir(), 'state');
    const store = new FileMigrationStore(stateDir);
    await withOpenUmask(async () => {
      await store.saveDeviceList('m-1', [device({ serialNumber: 'PRIV0001' })]);
      await store.recordNotStarted('m-1', [{ offset: 0, serialNumber: 'PRIV0001', reason: 'refused' }]);
    });
    const folder = path.join(stateDir, 'migrations', 'm-1');
    expect([stateDir, path.join(stateDir, 'migrations'), folder].map(modeOf)).toEqual([0o700, 0o700, 0o700]);
    expect(modeOf(store.deviceListFile('m-1'))).toBe(0o600);
    expect(modeOf(path.join(folder, 'not-started.jsonl'))).toBe(0o600);
    expect(await store.readNotStarted('m-1')).toHaveLength(1);
  });

  test('when an older Ferry left the state folder and its files open to others, then the next write tightens them', async () => {
    const stateDir = path.join(tempDir(), 'state');
    const store = new FileMigrationStore(stateDir);
    const list = [device({ serialNumber: 'PRIV0002' })];
    await store.saveDeviceList('m-2', list);
    const folder = path.join(stateDir, 'migrations', 'm-2');
    for (const dir of [stateDir, path.join(stateDir, 'migrations'), folder]) chmodSync(dir, 0o755);
    chmodSync(store.deviceListFile('m-2'), 0o644);
    const notStarted = path.join(folder, 'not-started.jsonl');
    writeFileSync(notStarted, '', { mode: 0o666 });
    chmodSync(notStarted, 0o666);

    await store.saveDeviceList('m-2', list); // the same list again: accepted
    await store.recordNotStarted('m-2', [{ offset: 0, serialNumber: 'PRIV0002', reason: 'x' }]);

    expect([stateDir, path.join(stateDir, 'migrations'), folder].map(modeOf)).toEqual([0o700, 0o700, 0o700]);
    expect([store.deviceListFile('m-2'), notStarted].map(modeOf)).toEqual([0o600, 0o600]);
  });

  test('when a file is written or appended to, then it is 0600, an existing one tightened, its content kept', async () => {
    const dir = tempDir();
    const written = path.join(dir, 'report.csv');
    const appended = path.join(dir, 'worker.log');
    writeFileSync(appended, 'first\n');
    chmodSync(appended, 0o644);
    await withOpenUmask(async () => {
      await writePrivateFile(written, 'a,b\r\n');
      await appendPrivateFile(appended, 'second\n');
    });
    expect([modeOf(written), modeOf(appended)]).toEqual([0o600, 0o600]);
    expect(readFileSync(appended, 'utf8')).toBe('first\nsecond\n');
  });

  test('when folders a user named already exist, then createPrivateDirs leaves them and makes the missing ones 0700', async () => {
    const home = tempDir();
    chmodSync(home, 0o755);
    await withOpenUmask(() => createPrivateDirs(path.join(home, 'reports', 'may')));
    expect([home, path.join(home, 'reports'), path.join(home, 'reports', 'may')].map(modeOf)).toEqual([
      0o755, 0o700, 0o700,
    ]);
  });

  test('when ensurePrivateDir is given a root, then only the root and the folders below it are tightened', async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const root = path.join(parent, 'state');
    mkdirSync(path.join(root, 'logs'), { recursive: true, mode: 0o777 });
    chmodSync(root, 0o777);
    chmodSync(path.join(root, 'logs'), 0o777);
    expect(await ensurePrivateDir(root, 'logs')).toBe(path.join(root, 'logs'));
    expect([parent, root, path.join(root, 'logs')].map(modeOf)).toEqual([0o755, 0o700, 0o700]);
  });
});
