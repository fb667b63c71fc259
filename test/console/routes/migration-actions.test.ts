import { eventually } from '../../helpers/eventually';
import { consoleWorldPerFile } from './console-world';

/**
 * The rollout's actions through the console: each accepted, each rejected with the fleet workflow's
 * own reason (409), each refused without its CSRF token (403), and a bad body naming its field (400).
 */

const w = consoleWorldPerFile();
const stamp = () => Date.now().toString(36).toUpperCase();

function devices(prefix: string, n: number, kind = 'standard'): string[] {
  const s = stamp();
  return Array.from({ length: n }, (_, i) => {
    const email = `${prefix.toLowerCase()}${i}-${s.toLowerCase()}@corp.example`;
    w.world.addUser(email);
    return `${prefix}${i}${s},ios,${kind},${email}`;
  });
}

async function stateOf(id: string): Promise<string> {
  return ((await w.console.get(`/api/migrations/${id}`)).json() as { state: string }).state;
}

/** Starts the rows in approved waves; resolves once the second wave waits for its approval. */
async function startWaitingForWave(
  name: string,
  rows: string[],
  options: Record<string, string | number | boolean>,
) {
  const id = await w.start(name, rows, { ...options, 'approve-waves': true, 'poll-interval': '1s' });
  await eventually(
    () => stateOf(id),
    (s) => s === 'waiting_for_wave',
    'the second wave to wait',
  );
  return id;
}

const act = (id: string, action: string, body: unknown = { reason: 'test' }) =>
  w.console.post(`/api/migrations/${id}/actions/${action}`, body);

test('when an admin pauses, resumes and approves a wave, then each is accepted once and then rejected with the fleet reason', async () => {
  const id = await startWaitingForWave('Console waves', devices('WAV', 4), { 'wave-size': 2 });

  const paused = await act(id, 'pause');
  expect(paused.statusCode).toBe(200);
  expect(paused.json()).toMatchObject({
    ok: true,
    message: expect.stringMatching(`pause done: .*paused by ${w.console.name}`),
  });
  const pausedAgain = await act(id, 'pause');
  expect(pausedAgain.statusCode).toBe(409);
  expect(pausedAgain.json()).toEqual({
    error: 'rejected',
    message: `${id}: rejected: migration is already paused`,
  });
  expect((await w.console.get(`/api/migrations/${id}`)).json()).toMatchObject({
    state: 'paused',
    rollout: { pause: { by: w.console.name } },
  });

  expect((await act(id, 'resume')).statusCode).toBe(200);
  const resumedAgain = await act(id, 'resume');
  expect(resumedAgain.statusCode).toBe(409);
  expect(resumedAgain.json()).toMatchObject({ message: `${id}: rejected: migration is not paused` });

  const approved = await act(id, 'approve-wave');
  expect(approved.statusCode).toBe(200);
  await eventually(
    () => w.console.get(`/api/migrations/${id}`).then((r) => r.json() as { started?: number }),
    (m) => m.started === 4,
    'every device to start',
  );
  const approvedAgain = await act(id, 'approve-wave');
  expect(approvedAgain.statusCode).toBe(409);
  expect(approvedAgain.json()).toMatchObject({ message: `${id}: rejected: no wave is waiting for approval` });
  const startAllLate = await act(id, 'start-all');
  expect(startAllLate.statusCode).toBe(409);
  expect(startAllLate.json()).toMatchObject({ message: `${id}: rejected: every device has been started` });
  const noAbm = await act(id, 'approve-abm');
  expect(noAbm.statusCode).toBe(409);
  expect(noAbm.json()).toMatchObject({
    message: expect.stringContaining('rejected: migration does not assign devices in ABM'),
  });
});

test('when an admin approves ABM, starts all and cancels, then each is accepted once and then rejected', async () => {
  const id = await startWaitingForWave('Console ABM', devices('ABM', 3, 'ade'), {
    'abm-auto-assign': true,
    'wave-size': 1,
  });

  expect((await act(id, 'approve-abm')).statusCode).toBe(200);
  const abmAgain = await act(id, 'approve-abm');
  expect(abmAgain.statusCode).toBe(409);
  expect(abmAgain.json()).toMatchObject({ message: `${id}: rejected: ABM assignment is already approved` });

  const all = await act(id, 'start-all');
  expect(all.statusCode).toBe(200);
  expect(all.json()).toMatchObject({ ok: true, rollout: { startAll: true } });
  const allAgain = await act(id, 'start-all');
  expect(allAgain.statusCode).toBe(409);

  const cancelled = await act(id, 'cancel', { reason: 'wrong list' });
  expect(cancelled.statusCode).toBe(200);
  expect(cancelled.json()).toMatchObject({ rollout: { state: 'cancelled' } });
  const cancelledAgain = await act(id, 'cancel');
  expect(cancelledAgain.statusCode).toBe(409);
  expect(cancelledAgain.json()).toMatchObject({
    message: expect.stringMatching(/rejected: migration is cancelled|has ended/),
  });

  const list = (await w.console.get('/api/migrations')).json() as { migrations: unknown[] };
  expect(list.migrations).toContainEqual(
    expect.objectContaining({
      id,
      name: 'Console ABM',
      startedBy: w.console.name,
      startedAt: expect.any(String),
    }),
  );
});

test('when an action comes without its CSRF token, then every one is refused with 403 and nothing changes', async () => {
  for (const action of ['pause', 'resume', 'approve-wave', 'approve-abm', 'start-all', 'cancel']) {
    const answer = await w.console.post(
      `/api/migrations/some-migration/actions/${action}`,
      { reason: 'test' },
      false,
    );
    expect({ action, status: answer.statusCode, body: answer.json() }).toMatchObject({
      action,
      status: 403,
      body: { error: 'csrf' },
    });
  }
});

test('when an action has a bad body or name, then 400 names the field', async () => {
  const cases: [string, unknown, string][] = [
    // Who acts is the signed-in person: a `by` in the body is refused.
    ['pause', { by: 'ann' }, 'by'],
    ['pause', { reason: 7 }, 'reason'],
    ['pause', { force: true }, 'force'],
    ['explode', {}, 'action'],
  ];
  for (const [action, body, field] of cases) {
    const answer = await act('some-migration', action, body);
    expect({
      action,
      body,
      status: answer.statusCode,
      field: (answer.json() as { field?: string }).field,
    }).toEqual({
      action,
      body,
      status: 400,
      field,
    });
  }
  const badId = await act('bad id!', 'pause');
  expect(badId.json()).toMatchObject({ error: 'bad_request', field: 'id' });
  const missing = await act('never-was-a-migration', 'pause');
  expect(missing.statusCode).toBe(409);
  expect(missing.json()).toMatchObject({ message: 'no such migration "never-was-a-migration"' });
  expect((await w.console.get('/api/migrations/never-was-a-migration')).statusCode).toBe(404);
});
