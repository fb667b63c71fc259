import { noSuchMigration } from '../../../src/client/commands/visibility';
import { DeviceTable, type TableDevice } from '../../../src/console/server/device-table';
import { eventually } from '../../helpers/eventually';
import { perTest } from '../../helpers/set-up';
import { devServerEnvPerFile } from '../../helpers/temporal';
import { openConsole } from './console-fixture';

/**
 * The devices table's merged list through the route, with builds the test finishes and a clock it
 * moves: one build at a time per migration, shared by the requests that come during it; the list
 * fresh for 5 s from the end of its build; then answering at once while one build refreshes it.
 */

const env = devServerEnvPerFile();
const ID = 'm-table';
const URL = `/api/migrations/${ID}/devices`;

/** Builds that end when the test says. */
class Builds {
  readonly started: string[] = [];
  private readonly pending: { resolve(rows: TableDevice[]): void; reject(err: Error): void }[] = [];
  readonly build = (migrationId: string) => {
    this.started.push(migrationId);
    return new Promise<TableDevice[]>((resolve, reject) => this.pending.push({ resolve, reject }));
  };
  finish(...serials: string[]): void {
    const rows = serials.map((serial) => ({ serial, status: 'getting_ready', platform: 'ios', open: true }));
    this.next().resolve(rows);
  }
  fail(err: Error): void {
    this.next().reject(err);
  }
  private next() {
    const next = this.pending.shift();
    if (!next) throw new Error('no build is running');
    return next;
  }
}

/** Counts the reads that reached the table. */
class WatchedTable extends DeviceTable {
  reads = 0;
  override all(migrationId: string): Promise<TableDevice[]> {
    this.reads++;
    return super.all(migrationId);
  }
}

const t = perTest(
  'a console with a watched table',
  async () => {
    const builds = new Builds();
    const clock = { at: 0 };
    const table = new WatchedTable(env.client, { build: builds.build, now: () => clock.at });
    const session = await openConsole(env, undefined, { deviceTable: table });
    return { builds, clock, table, session };
  },
  (w) => w.session.app.close(),
);

const serials = (answer: { json(): unknown }) =>
  (answer.json() as { devices: { serial: string }[] }).devices.map((d) => d.serial);
const buildsStarted = (n: number) =>
  eventually(
    async () => t().builds.started.length,
    (b) => b >= n,
    `${n} builds`,
  );
const reads = (n: number) =>
  eventually(
    async () => t().table.reads,
    (r) => r >= n,
    `${n} reads of the table`,
  );

test('when two requests come during one build, then that one build answers both, fresh for 5 s from its end', async () => {
  const { builds, clock, session } = t();
  const first = session.get(URL);
  const second = session.get(URL);
  await reads(2);
  expect(builds.started).toEqual([ID]);
  clock.at = 6_000; // the build took longer than the list stays fresh
  builds.finish('A', 'B');
  const answers = await Promise.all([first, second]);
  expect(answers.map(serials)).toEqual([
    ['A', 'B'],
    ['A', 'B'],
  ]);
  clock.at = 10_999;
  expect(serials(await session.get(URL))).toEqual(['A', 'B']);
  expect(builds.started).toHaveLength(1);
});

test('when the list is past its 5 s, then it answers at once while one build refreshes it; past a minute, the read waits', async () => {
  const { builds, clock, session } = t();
  const first = session.get(URL);
  await reads(1);
  builds.finish('A');
  expect(serials(await first)).toEqual(['A']);
  clock.at = 5_000;
  // Answered with the kept list while the refresh has not finished.
  expect(serials(await session.get(URL))).toEqual(['A']);
  expect(serials(await session.get(URL))).toEqual(['A']);
  expect(builds.started).toHaveLength(2);
  builds.finish('A', 'C');
  await eventually(
    () => session.get(URL).then(serials),
    (s) => s.includes('C'),
    'the refreshed list',
  );
  expect(builds.started).toHaveLength(2);
  clock.at = 5_000 + 60_000;
  const late = session.get(URL);
  await buildsStarted(3);
  builds.finish('D');
  expect(serials(await late)).toEqual(['D']);
});

test('when a build fails, then every request waiting for it gets the error and the next request builds again', async () => {
  const { builds, session } = t();
  const first = session.get(URL);
  const second = session.get(URL);
  await reads(2);
  builds.fail(noSuchMigration(ID));
  expect((await Promise.all([first, second])).map((a) => a.statusCode)).toEqual([404, 404]);
  const again = session.get(URL);
  await buildsStarted(2);
  builds.finish('A');
  expect(serials(await again)).toEqual(['A']);
});

test('when an action ran on the devices, then the next read does not reuse the list from before it', async () => {
  const { builds, session } = t();
  const first = session.get(URL);
  await reads(1);
  builds.finish('A');
  await first;
  const acted = await session.post(`${URL}/actions`, { action: 'retry', serials: ['ZZZZ'] });
  expect(acted.json()).toMatchObject({ results: [{ serial: 'ZZZZ', outcome: 'failed' }] });
  const after = session.get(URL);
  await buildsStarted(2);
  builds.finish('A', 'B');
  expect(serials(await after)).toEqual(['A', 'B']);
});
