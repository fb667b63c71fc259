import { finishedIdMessage, migrationIdFor } from '../../src/client/migration-id';

describe('migrationIdFor', () => {
  const at = new Date('2026-11-24T23:10:05.123Z');

  it('when an id is made, then it reads as the name, the UTC second and a random suffix', () => {
    expect(migrationIdFor('Pilot: Sales (EMEA)', at, () => '3f9a2c')).toBe(
      'pilot-sales-emea-20261124-231005-3f9a2c',
    );
    expect(migrationIdFor('***', at, () => '000000')).toBe('migration-20261124-231005-000000');
  });

  it('when one name is started twice in the same second, then the ids differ', () => {
    const ids = new Set(Array.from({ length: 50 }, () => migrationIdFor('Pilot', at)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^pilot-20261124-231005-[0-9a-f]{6}$/);
  });

  it('when the name is long or cut at a separator, then the id stays within the store rule', () => {
    const id = migrationIdFor(`${'a'.repeat(39)} ${'b'.repeat(500)}`, at, () => 'abcdef');
    expect(id).toBe(`${'a'.repeat(39)}-20261124-231005-abcdef`);
    expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
  });
});

test('when an explicit id names an ended migration, then the message says so plainly', () => {
  expect(finishedIdMessage('pilot')).toBe(
    'migration pilot already exists and is finished; choose another --id',
  );
  expect(finishedIdMessage('pilot', 'TIMED_OUT')).toBe(
    'migration pilot already exists and is finished (timed out); choose another --id',
  );
});
