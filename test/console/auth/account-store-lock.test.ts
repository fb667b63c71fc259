import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { FileAccountStore } from '../../../src/console/server/auth/account-store';
import { testAccountStore } from '../auth-helpers';

/**
 * The account file's lock across processes (two stores on one folder stand for two processes): no
 * change is lost when both write at once, a lock left by a dead process is taken over, and a writer
 * removes only a lock it still holds.
 */

const folder = testAccountStore();
afterAll(() => folder.remove());

test('when two stores on one folder change the accounts at once, then no change is lost', async () => {
  const a = new FileAccountStore(folder.dir);
  const b = new FileAccountStore(folder.dir);
  const changes = [];
  for (let i = 0; i < 15; i++)
    for (const [store, name] of [
      [a, 'a'],
      [b, 'b'],
    ] as const)
      changes.push(store.update((s) => s.groupRoles.push({ group: `${name}-${i}`, role: 'viewer' })));
  await Promise.all(changes);
  const groups = (await a.read()).groupRoles.map((m) => m.group);
  expect(groups).toHaveLength(30);
  expect(new Set(groups).size).toBe(30);
});

test('when a lock was left by a process that died, then the next change takes it over', async () => {
  const store = new FileAccountStore(folder.dir);
  const lockFile = `${store.location}.lock`;
  writeFileSync(lockFile, 'a process that died');
  const longAgo = new Date(Date.now() - 10 * 60_000);
  utimesSync(lockFile, longAgo, longAgo);
  await store.update((s) => s.groupRoles.push({ group: 'after-stale', role: 'viewer' }));
  expect((await store.read()).groupRoles.map((m) => m.group)).toContain('after-stale');
  expect(existsSync(lockFile)).toBe(false);
});

test('when another process took the lock over during a change, then the change does not remove that lock', async () => {
  const store = new FileAccountStore(folder.dir);
  const lockFile = `${store.location}.lock`;
  await store.update(() => {
    // As if this writer had stalled past the stale limit and another had taken the lock over.
    writeFileSync(lockFile, 'another writer');
  });
  expect(readFileSync(lockFile, 'utf8')).toBe('another writer');
});
