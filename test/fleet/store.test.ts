import fsPromises from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeviceListConflictError,
  DeviceListNotFoundError,
  FileMigrationStore,
} from '../../src/services/device-lists/store';
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

  test('when a list is saved, then pages read back the devices in order, the last one short', async () => {
    const store = new FileMigrationStore(dir);
    const list = devices(23);
    expect(await store.saveDeviceList('m-1', list)).toEqual({ count: 23 });

    expect(await store.readDevicePage('m-1', 0, 10)).toEqual(list.slice(0, 10));
    expect(await store.readDevicePage('m-1', 10, 10)).toEqual(list.slice(10, 20));
    expect(await store.readDevicePage('m-1', 20, 10)).toEqual(list.slice(20));
    expect(await store.readDevicePage('m-1', 23, 10)).toEqual([]);
    expect(await store.readDevicePage('m-1', 500, 10)).toEqual([]);
    // Another process (the worker) reads the same folder from a fresh store.
    expect(await new FileMigrationStore(dir).readDevicePage('m-1', 5, 3)).toEqual(list.slice(5, 8));
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
    const rename = jest
      .spyOn(fsPromises, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    try {
      await expect(store.saveDeviceList('m-3', devices(3))).rejects.toThrow('EIO');
    } finally {
      rename.mockRestore();
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

  test('when the same list is saved twice, then it is accepted; a different list is refused', async () => {
    const store = new FileMigrationStore(dir);
    const list = devices(5);
    await store.saveDeviceList('m-5', list);
    // Same devices, keys in another order: the same list.
    const reordered = list.map((d) => Object.fromEntries(Object.entries(d).reverse()) as DeviceInput);
    expect(await store.saveDeviceList('m-5', reordered)).toEqual({ count: 5 });

    await expect(store.saveDeviceList('m-5', list.slice(0, 4))).rejects.toBeInstanceOf(
      DeviceListConflictError,
    );
    await expect(
      store.saveDeviceList('m-5', [...list.slice(0, 4), { ...list[4]!, userEmail: 'other@corp.example' }]),
    ).rejects.toBeInstanceOf(DeviceListConflictError);
    expect(await store.readDevicePage('m-5', 0, 10)).toEqual(list);
  });

  test('when no list was saved, then reading fails with a named error, and succeeds once it is saved', async () => {
    const store = new FileMigrationStore(dir);
    await expect(store.readDevicePage('m-6', 0, 10)).rejects.toMatchObject({ name: 'DeviceListNotFound' });
    await new FileMigrationStore(dir).saveDeviceList('m-6', devices(1));
    expect(await store.readDevicePage('m-6', 0, 10)).toHaveLength(1);
  });

  test('when a migration id could escape the folder, then it is refused', async () => {
    const store = new FileMigrationStore(dir);
    for (const id of ['../x', 'a/b', '', '.hidden']) {
      await expect(store.saveDeviceList(id, devices(1))).rejects.toThrow(/migration id/);
    }
  });
});
