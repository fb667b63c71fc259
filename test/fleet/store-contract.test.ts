import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PostgresMigrationStore } from '../../src/services/device-lists/postgres-store';
import {
  DeviceListConflictError,
  DeviceListNotFoundError,
  FileMigrationStore,
  type ManagedMigrationStore,
} from '../../src/services/device-lists/store';
import type { DeviceInput } from '../../src/workflows/device/messages';
import { device } from '../helpers/devices';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

/** What every migration store promises, checked on the file store and on a real PostgreSQL server. */

let postgres: TestPostgres;
let dir: string;
const opened: ManagedMigrationStore[] = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await postgres.stop();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function devices(n: number): DeviceInput[] {
  return Array.from({ length: n }, (_, i) =>
    device({ serialNumber: `SN${String(i).padStart(4, '0')}`, friendlyName: `Zoë's "phone"\n#${i}` }),
  );
}

let ids = 0;
/** Each test its own migration id: the PostgreSQL database is shared by the whole file. */
const freshId = (prefix: string) => `${prefix}-${++ids}-${process.pid}`;

const kinds: [string, () => Promise<ManagedMigrationStore>][] = [
  ['files', async () => new FileMigrationStore(dir)],
  [
    'PostgreSQL',
    async () => {
      const store = await PostgresMigrationStore.open(postgres.url);
      opened.push(store);
      return store;
    },
  ],
];

describe.each(kinds)('the %s store', (_kind, open) => {
  test('when a list is saved, then pages read back the devices in order, the last one short, from any process', async () => {
    const store = await open();
    const id = freshId('pages');
    const list = devices(2_345);
    expect(await store.saveDeviceList(id, list)).toEqual({ count: 2_345 });

    expect(await store.readDevicePage(id, 0, 10)).toEqual(list.slice(0, 10));
    expect(await store.readDevicePage(id, 1_995, 100)).toEqual(list.slice(1_995, 2_095));
    expect(await store.readDevicePage(id, 2_340, 10)).toEqual(list.slice(2_340));
    expect(await store.readDevicePage(id, 2_345, 10)).toEqual([]);
    expect(await store.readDevicePage(id, 50_000, 10)).toEqual([]);
    expect(await (await open()).readDevicePage(id, 5, 3)).toEqual(list.slice(5, 8));
  });

  test('when the same list is saved twice, then it is accepted; a different list is refused', async () => {
    const store = await open();
    const id = freshId('twice');
    const list = devices(5);
    await store.saveDeviceList(id, list);
    // Same devices, keys in another order: the same list.
    const reordered = list.map((d) => Object.fromEntries(Object.entries(d).reverse()) as DeviceInput);
    expect(await store.saveDeviceList(id, reordered)).toEqual({ count: 5 });
    await expect(store.saveDeviceList(id, list.slice(0, 4))).rejects.toBeInstanceOf(DeviceListConflictError);
    await expect(
      store.saveDeviceList(id, [...list.slice(0, 4), { ...list[4]!, userEmail: 'other@corp.example' }]),
    ).rejects.toBeInstanceOf(DeviceListConflictError);
    expect(await store.readDevicePage(id, 0, 10)).toEqual(list);
  });

  test('when two programs save the same id at once, then one list is kept and the other save agrees or is refused', async () => {
    const [a, b] = [await open(), await open()];
    const same = freshId('race-same');
    const list = devices(1_500);
    expect(await Promise.all([a.saveDeviceList(same, list), b.saveDeviceList(same, list)])).toEqual([
      { count: 1_500 },
      { count: 1_500 },
    ]);
    const other = freshId('race-other');
    const results = await Promise.allSettled([
      a.saveDeviceList(other, list),
      b.saveDeviceList(other, list.slice(1)),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const kept = await a.readDevicePage(other, 0, 2_000);
    expect([1_500, 1_499]).toContain(kept.length);
  });

  test('when no list was saved, then reading fails with a named error, and succeeds once it is saved', async () => {
    const store = await open();
    const id = freshId('missing');
    await expect(store.readDevicePage(id, 0, 10)).rejects.toBeInstanceOf(DeviceListNotFoundError);
    await (await open()).saveDeviceList(id, devices(1));
    expect(await store.readDevicePage(id, 0, 10)).toHaveLength(1);
  });

  test('when devices are refused, recorded again or recorded out of order, then each reads once by offset', async () => {
    const store = await open();
    const id = freshId('refused');
    await store.saveDeviceList(id, devices(3));
    const refused = { offset: 2, serialNumber: 'SN0002', reason: 'Temporal refused to start the device' };
    await store.recordNotStarted(id, [refused]);
    await store.recordNotStarted(id, [{ ...refused, offset: 0, serialNumber: 'SN0000' }, refused]);
    await store.recordNotStarted(id, []);
    expect(await store.readNotStarted(id)).toEqual([
      { ...refused, offset: 0, serialNumber: 'SN0000' },
      refused,
    ]);
    expect(await store.readNotStarted(freshId('none'))).toEqual([]);
  });

  test('when a migration is listed and removed, then its size and save time show, and afterwards nothing of it is left', async () => {
    const store = await open();
    const id = freshId('housekeeping');
    const before = Date.now();
    await store.saveDeviceList(id, devices(4));
    await store.recordNotStarted(id, [{ offset: 1, serialNumber: 'SN0001', reason: 'refused' }]);
    const stored = (await store.storedMigrations()).find((m) => m.migrationId === id);
    expect(stored?.bytes).toBeGreaterThan(4 * 100);
    expect(stored!.savedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);

    await store.removeMigration(id);
    expect((await store.storedMigrations()).map((m) => m.migrationId)).not.toContain(id);
    await expect(store.readDevicePage(id, 0, 1)).rejects.toBeInstanceOf(DeviceListNotFoundError);
    expect(await store.readNotStarted(id)).toEqual([]);
  });

  test('when a migration id could escape a folder or a key, then it is refused', async () => {
    const store = await open();
    for (const id of ['../x', 'a/b', '', '.hidden', "x'; DROP TABLE ferry_devices; --"]) {
      await expect(store.saveDeviceList(id, devices(1))).rejects.toThrow(/migration id/);
    }
  });
});
