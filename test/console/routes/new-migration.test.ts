import { CSV_HEADER, consoleWorldPerFile } from './console-world';

/** The wizard's upload and start: `ferry validate`'s problems by line and field, `ferry start`'s option rules. */

const w = consoleWorldPerFile();

const upload = (csv: string, contentType = 'text/csv') =>
  w.console.request({
    method: 'POST',
    url: '/api/uploads',
    headers: { 'content-type': contentType },
    payload: csv,
  });

test('when a device list has problems, then the upload names every one by line and field, errors and warnings', async () => {
  const answer = await upload(
    [
      CSV_HEADER,
      'GOODSERIAL1,ios,standard,good@corp.example',
      'BADEMAIL01,ios,standard,not-an-email',
      'GOODSERIAL1,ios,standard,twice@corp.example',
      'ANDROID001,android,unknown,droid@corp.example',
    ].join('\n'),
  );
  expect(answer.statusCode).toBe(200);
  const body = answer.json() as {
    ok: boolean;
    problems: { line: number; field?: string; severity: string }[];
  };
  expect(body.ok).toBe(false);
  expect(body.problems.map(({ line, field, severity }) => ({ line, field, severity }))).toEqual([
    { line: 3, field: 'user_email', severity: 'error' },
    { line: 4, field: 'serial_number', severity: 'error' },
    { line: 5, field: 'enrollment_kind', severity: 'warning' },
  ]);
  // A list with errors cannot be started.
  const { uploadId } = answer.json() as { uploadId: string };
  const start = await w.console.post('/api/migrations', { uploadId, name: 'Bad' });
  expect(start.statusCode).toBe(400);
  expect(start.json()).toMatchObject({ field: 'uploadId' });
});

test('when the upload is not CSV, or no upload has the id, then it is refused in words', async () => {
  const json = await w.console.post('/api/uploads', [{ serial_number: 'X' }]);
  expect(json.statusCode).toBe(415);
  const none = await w.console.post('/api/migrations', {
    uploadId: '6a1f6a8e-8c5e-4a53-9b55-3f1f0f3f6f01',
    name: 'Nothing',
  });
  expect(none.statusCode).toBe(404);
  const noCsrf = await w.console.request({
    method: 'POST',
    url: '/api/uploads',
    headers: { 'content-type': 'text/csv' },
    payload: CSV_HEADER,
    csrf: false,
  });
  expect(noCsrf.statusCode).toBe(403);
});

test("when the start options are bad, then 400 names the option with ferry start's words", async () => {
  const ok = await upload(`${CSV_HEADER}\nOPTIONS0001,ios,standard,opt@corp.example`);
  const { uploadId } = ok.json() as { uploadId: string };
  const cases: [unknown, string, RegExp][] = [
    [{ waveSize: 0 }, 'options.waveSize', /--wave-size: "0" is not a positive whole number/],
    [{ 'poll-interval': 'soon' }, 'options.poll-interval', /not a duration of at least 1 second/],
    [{ iosAdeMethod: 'teleport' }, 'options.iosAdeMethod', /--ios-ade-method/],
    [
      { durations: { enrollmentTimeout: 'never' } },
      'options.durations.enrollmentTimeout',
      /--enrollment-timeout/,
    ],
    [{ nope: 1 }, 'options.nope', /unknown option/],
  ];
  for (const [options, field, message] of cases) {
    const answer = await w.console.post('/api/migrations', { uploadId, name: 'Options', options });
    const body = answer.json() as { field?: string; message: string };
    expect({ options, status: answer.statusCode, field: body.field }).toEqual({
      options,
      status: 400,
      field,
    });
    expect(body.message).toMatch(message);
  }
  const noName = await w.console.post('/api/migrations', { uploadId });
  expect(noName.json()).toMatchObject({ error: 'bad_request', field: 'name' });
  const badId = await w.console.post('/api/migrations', {
    uploadId,
    name: 'x',
    migrationId: '-bad',
  });
  expect(badId.json()).toMatchObject({ field: 'migrationId' });
});

test('when a valid list is started with an explicit id, then the migration runs under that id and lists its devices', async () => {
  w.world.addUser('explicit@corp.example');
  const ok = await upload(`${CSV_HEADER}\nEXPLICIT001,ios,standard,explicit@corp.example`);
  const { uploadId } = ok.json() as { uploadId: string };
  const migrationId = `console-explicit-${Date.now()}`;
  const started = await w.console.post('/api/migrations', {
    uploadId,
    name: 'Explicit',
    migrationId,
    options: { concurrency: '5', pollInterval: '1s' },
  });
  expect(started.statusCode).toBe(200);
  expect(started.json()).toEqual({ id: migrationId });
});
