import fsPromises from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceListNotFoundError, FileMigrationStore } from '../../src/services/device-lists/store';
import type { DeviceInput } from '../../src/workflows/device/messages';
import { device } from '../helpers/devices';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function devices(n: number): DeviceInput[] {
  return Array.from({ length: n }, (_, i) =>
    device({ serialNumber: `SN${String(i).padStart(4, '0')}`, friendlyName: `Zoë's "phone"\n#${i}` }),
  );
}

describe('FileMigrationStore', () => {
  test('when not-started records repeat or a line was torn by a crash, then each offset reads once and the torn line is skipped', async () => {
    const store = new FileMigrationStore(dir);
    await store.saveDeviceList('m-ns', devices(3));
    const refused = {
      offset: 1,
      serialNumber: 'SN0001',
      reason: 'Temporal refused to start the device: id too long',
    };
    await store.recordNotStarted('m-ns', [refused]);
    await fsPromises.appendFile(
      path.join(dir, 'migrations', 'm-ns', 'not-started.jsonl'),
      '{"offset":2,"seri',
    );
    await store.recordNotStarted('m-ns', [{ ...refused, offset: 2 }]);
    await store.recordNotStarted('m-ns', [refused]);
    expect(await store.readNotStarted('m-ns')).toEqual([refused, { ...refused, offset: 2 }]);
  });

  test('when a list is saved, then it lands as one JSON line per device and no temp file is left', async () => {
    const store = new FileMigrationStore(dir);
    await store.saveDeviceList('m-2', devices(3));
    const folder = path.join(dir, 'migrations', 'm-2');
    expect(readdirSync(folder)).toEqual(['devices.jsonl']);
    expect(readFileSync(store.deviceListFile('m-2'), 'utf8').split('\n')).toHaveLength(4);
  });

  test('when publishing the list fails, then no list is visible and the temp file is removed', async () => {
    const store = new FileMigrationStore(dir);
    const link = jest
      .spyOn(fsPromises, 'link')
      .mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    try {
      await expect(store.saveDeviceList('m-3', devices(3))).rejects.toThrow('EIO');
    } finally {
      link.mockRestore();
    }
    expect(readdirSync(path.join(dir, 'migrations', 'm-3'))).toEqual([]);
    await expect(store.readDevicePage('m-3', 0, 10)).rejects.toBeInstanceOf(DeviceListNotFoundError);
    expect(await store.saveDeviceList('m-3', devices(3))).toEqual({ count: 3 });
  });

  test('when a temp file of an interrupted save is lying around, then readers ignore it', async () => {
    const store = new FileMigrationStore(dir);
    await store.saveDeviceList('m-4', devices(2));
    writeFileSync(`${store.deviceListFile('m-4')}.crashed.tmp`, '{"serialNumber":"half');
    expect(await store.readDevicePage('m-4', 0, 10)).toHaveLength(2);
  });
});
