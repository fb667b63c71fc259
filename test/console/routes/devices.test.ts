import { eventually } from '../../helpers/eventually';
import { consoleWorldPerFile } from './console-world';

/**
 * The devices table and the device actions through the console: server-side filters, sorting and
 * paging over `ferry devices`' rows joined with the saved list; each action accepted on a device it
 * fits and rejected, with the device workflow's reason, on one it does not; a device's page.
 */

const w = consoleWorldPerFile();
const s = Date.now().toString(36).toUpperCase();
const DONE = `DONE${s}`;
const MISS = `MISS${s}`;
const WAIT = `WAIT${s}`;
const ABM = `ABMD${s}`;
const MAN = `MANL${s}`;
const email = (serial: string) => `${serial.toLowerCase()}@corp.example`;

interface Row {
  serial: string;
  status: string;
  subStatus?: string;
  email?: string;
  enrollment?: string;
}
interface Result {
  serial: string;
  ok: boolean;
  outcome: string;
  message: string;
}

let main = '';
let manual = '';

const table = async (id: string, query = '') =>
  (await w.console.get(`/api/migrations/${id}/devices${query}`)).json() as { total: number; devices: Row[] };
const act = async (id: string, action: string, serials: string[]) => {
  const answer = await w.console.post(`/api/migrations/${id}/devices/actions`, {
    action,
    serials,
  });
  expect(answer.statusCode).toBe(200);
  return (answer.json() as { results: Result[] }).results;
};

beforeAll(async () => {
  w.world.neverEnrolls.add(WAIT);
  w.world.neverEnrolls.add(MAN);
  for (const serial of [DONE, WAIT, ABM, MAN]) w.world.addUser(email(serial));
  main = await w.start('Console devices', [
    `${DONE},ios,standard,${email(DONE)}`,
    `${MISS},ios,standard,${email(MISS)}`,
    `${WAIT},android,legacy,${email(WAIT)}`,
    `${ABM},ios,ade,${email(ABM)}`,
  ]);
  manual = await w.start('Console manual', [`${MAN},ios,standard,${email(MAN)}`], { source: 'manual' });
  await eventually(
    () => table(main),
    (t) =>
      t.devices.some((d) => d.serial === DONE && d.status === 'reenrolled') &&
      t.devices.some((d) => d.serial === MISS && d.status === 'failed') &&
      t.devices.some((d) => d.serial === WAIT && d.status === 'reenrolling') &&
      t.devices.some((d) => d.serial === ABM && d.status === 'abm_reassignment_pending'),
    'the devices to settle',
  );
  await eventually(
    () => table(manual),
    (t) => t.devices.some((d) => d.status === 'unenrolling'),
    'the manual device to wait for its removal',
  );
});

test('when the table is filtered, sorted and paged, then the server answers the page with the total', async () => {
  const all = await table(main);
  expect(all.total).toBe(4);
  expect(all.devices.find((d) => d.serial === WAIT)).toMatchObject({
    enrollment: 'legacy',
    email: email(WAIT),
  });
  expect((await table(main, '?status=failed')).devices.map((d) => d.serial)).toEqual([MISS]);
  expect(
    (await table(main, `?email=${encodeURIComponent(email(ABM).toUpperCase())}`)).devices.map(
      (d) => d.serial,
    ),
  ).toEqual([ABM]);
  expect((await table(main, '?platform=android')).devices.map((d) => d.serial)).toEqual([WAIT]);
  expect((await table(main, '?enrollment=ade')).devices.map((d) => d.serial)).toEqual([ABM]);
  const page = await table(main, '?sort=serial&order=desc&page=2&pageSize=3');
  expect(page).toMatchObject({ total: 4, page: 2, pageSize: 3 });
  expect(page.devices.map((d) => d.serial)).toEqual([[DONE, MISS, WAIT, ABM].sort()[0]]);
  for (const [query, field] of [
    ['?pageSize=0', 'pageSize'],
    ['?sort=password', 'sort'],
    ['?order=up', 'order'],
    ['?colour=red', 'colour'],
    ['?status=lost', 'status'],
    ['?platform=windows', 'platform'],
    ['?enrollment=byod', 'enrollment'],
  ]) {
    const bad = await w.console.get(`/api/migrations/${main}/devices${query}`);
    expect({ query, status: bad.statusCode, field: (bad.json() as { field?: string }).field }).toEqual({
      query,
      status: 400,
      field,
    });
  }
  expect((await w.console.get('/api/migrations/no-such-migration-here/devices')).statusCode).toBe(404);
});

test('when each action meets a device it fits and one it does not, then it is done on the first and rejected with the reason on the second', async () => {
  // Rejections first: they change nothing.
  const rejectedOn = async (id: string, action: string, serial: string) =>
    (await act(id, action, [serial]))[0]!;
  const expectRejected = (r: Result, reason: RegExp) => {
    expect(r).toMatchObject({ ok: false, outcome: 'skipped' });
    expect(r.message).toMatch(reason);
  };
  expectRejected(await rejectedOn(main, 'retry', WAIT), /^skipped: rejected: device is reenrolling/);
  expectRejected(await rejectedOn(main, 'confirm-abm', WAIT), /^skipped: rejected: /);
  expectRejected(
    await rejectedOn(main, 'confirm-removed', WAIT),
    /^skipped: rejected: the source removes this device itself/,
  );
  expectRejected(await rejectedOn(main, 'renotify', ABM), /^skipped: rejected: /);
  expectRejected(await rejectedOn(main, 'reissue-token', ABM), /^skipped: rejected: /);
  expectRejected(await rejectedOn(main, 'cancel', DONE), /^skipped: workflow closed/);

  const done = async (id: string, action: string, serial: string, did: RegExp) => {
    const [r] = await act(id, action, [serial]);
    expect(r).toMatchObject({ serial, ok: true, outcome: 'done' });
    expect(r!.message).toMatch(did);
  };
  await done(main, 'renotify', WAIT, /^user notified again: now reenrolling/);
  await done(main, 'reissue-token', WAIT, /^token re-issued: now reenrolling/);
  await done(main, 'confirm-abm', ABM, /^ABM reassignment confirmed: now /);
  await done(manual, 'confirm-removed', MAN, /^removal from the source confirmed: now /);
  await done(main, 'cancel', WAIT, /^cancelled: now /);
  w.world.addUser(email(MISS));
  const retried = await w.console.post(`/api/migrations/${main}/devices/actions`, {
    action: 'retry',
    filter: { status: 'failed' },
    reason: 'user created',
  });
  // The cancelled device ended failed ("Cancelled by admin") and closed: one result line each.
  expect((retried.json() as { results: Result[] }).results).toEqual(
    [
      { serial: MISS, ok: true, outcome: 'done', message: expect.stringMatching(/^retried: now /) },
      { serial: WAIT, ok: false, outcome: 'skipped', message: 'skipped: workflow closed' },
    ].sort((a, b) => a.serial.localeCompare(b.serial)),
  );
  const unknown = await act(main, 'retry', ['NOSUCHDEVICE1']);
  expect(unknown).toEqual([
    {
      serial: 'NOSUCHDEVICE1',
      ok: false,
      outcome: 'failed',
      message: 'failed: no such device in this migration',
    },
  ]);
});

test('when a device action has no CSRF token or a bad body, then 403, or 400 naming the field', async () => {
  const url = `/api/migrations/${main}/devices/actions`;
  for (const action of ['retry', 'cancel', 'confirm-abm', 'confirm-removed', 'renotify', 'reissue-token']) {
    const answer = await w.console.post(url, { action, serials: [MISS] }, false);
    expect({ action, status: answer.statusCode }).toEqual({ action, status: 403 });
  }
  const cases: [unknown, string][] = [
    [{ action: 'explode', serials: [MISS] }, 'action'],
    [{ action: 'retry' }, 'serials'],
    [{ action: 'retry', serials: [MISS], filter: {} }, 'serials'],
    [{ action: 'retry', serials: ['no spaces allowed'] }, 'serials.0'],
    [{ action: 'retry', serials: [MISS], by: 'ann' }, 'by'],
    [{ action: 'retry', filter: { colour: 'red' } }, 'filter.colour'],
  ];
  for (const [body, field] of cases) {
    const answer = await w.console.post(url, body);
    expect({ body, status: answer.statusCode, field: (answer.json() as { field?: string }).field }).toEqual({
      body,
      status: 400,
      field,
    });
  }
});

test("when a device's page is read, then it has the status timeline, the admin actions and a link to its workflow", async () => {
  const answer = await w.console.get(`/api/migrations/${main}/devices/${DONE}`);
  expect(answer.statusCode).toBe(200);
  const page = answer.json() as {
    device: Row;
    timeline: { status: string; at: string }[];
    temporalUrl: string;
  };
  expect(page.device).toMatchObject({ serial: DONE, status: 'reenrolled' });
  expect(page.timeline.map((t) => t.status)).toEqual(expect.arrayContaining(['getting_ready', 'reenrolled']));
  expect(page.temporalUrl).toBe(
    `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`${main}/${DONE}`)}`,
  );
  const retried = (await w.console.get(`/api/migrations/${main}/devices/${MISS}`)).json() as {
    history: { action: string; by?: string; via?: string }[];
  };
  expect(retried.history).toContainEqual(
    expect.objectContaining({
      by: w.console.name,
      via: expect.stringMatching(/^console \(local:\S+, admin\)$/),
    }),
  );
  expect((await w.console.get(`/api/migrations/${main}/devices/NOTHERE001`)).statusCode).toBe(404);
});

test('when a report is downloaded, then it is an attachment in safe CSV or JSON', async () => {
  const csv = await w.console.get(`/api/migrations/${main}/report?format=csv`);
  expect(csv.statusCode).toBe(200);
  expect(csv.headers['content-disposition']).toBe(`attachment; filename="${main}-devices.csv"`);
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.body.split('\n')[0]).toMatch(/^migration_id,serial_number,/);
  expect(csv.body).toContain(DONE);
  const json = await w.console.get(`/api/migrations/${main}/report?format=json`);
  expect(JSON.parse(json.body)).toEqual(
    expect.arrayContaining([expect.objectContaining({ serial_number: DONE })]),
  );
  const migrations = await w.console.get('/api/reports/migrations?format=csv');
  expect(migrations.headers['content-disposition']).toBe('attachment; filename="migrations.csv"');
  expect(migrations.body).toContain(main);
  expect((await w.console.get(`/api/migrations/${main}/report?format=xml`)).json()).toMatchObject({
    field: 'format',
  });
});
