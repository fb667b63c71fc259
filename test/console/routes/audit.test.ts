import { eventually } from '../../helpers/eventually';
import { consoleWorldPerFile } from './console-world';

/**
 * The audit through the console: actions sent by a signed-in Admin carry that person (never a `by` from
 * the body), and GET /api/migrations/:id/audit lists them with the workflows' answers, read from the
 * histories of the fleet and of the devices, on the suite's real server.
 */

const w = consoleWorldPerFile();
const stamp = () => Date.now().toString(36).toUpperCase();

interface Entry {
  at: string;
  action: string;
  target: { kind: string; serial?: string; migrationId?: string };
  who: { name?: string; via?: string; subject?: string; role?: string; temporalIdentity?: string };
  reason?: string;
  outcome: string;
  answer: string;
  runId: string;
}

async function stateOf(id: string): Promise<string> {
  return ((await w.console.get(`/api/migrations/${id}`)).json() as { state: string }).state;
}

test('when a signed-in admin acts, then the audit shows who (from the session) and each workflow answer', async () => {
  const s = stamp();
  const lost = `AUDLOST${s}`;
  const rows = [0, 1, 2, 3].map((i) => {
    const email = `aud${i}-${s.toLowerCase()}@corp.example`;
    if (i !== 0) w.world.addUser(email);
    return `${i === 0 ? lost : `AUD${i}${s}`},ios,standard,${email}`;
  });
  const id = await w.start('Audited', rows, { 'wave-size': 2, 'approve-waves': true, 'poll-interval': '1s' });
  await eventually(
    () => stateOf(id),
    (st) => st === 'waiting_for_wave',
    'the second wave to wait',
  );

  const forged = await w.console.post(`/api/migrations/${id}/actions/pause`, { by: 'mallory' });
  expect(forged.statusCode).toBe(400);
  expect(forged.json()).toMatchObject({ field: 'by', message: 'by: unknown field' });
  expect((await w.console.post(`/api/migrations/${id}/actions/pause`, { reason: '=cmd|x' })).statusCode).toBe(
    200,
  );
  // Refused by the fleet's validator: not in the history, so not in the audit.
  expect((await w.console.post(`/api/migrations/${id}/actions/pause`, {})).statusCode).toBe(409);
  expect((await w.console.post(`/api/migrations/${id}/actions/resume`)).statusCode).toBe(200);
  await eventually(
    () =>
      w.console.get(`/api/migrations/${id}/devices?status=failed`).then((r) => r.json() as { total: number }),
    (d) => d.total === 1,
    'the device without a user to fail',
  );
  const cancelled = await w.console.post(`/api/migrations/${id}/devices/actions`, {
    action: 'cancel',
    serials: [lost],
    reason: 'device lost',
  });
  expect(cancelled.json()).toMatchObject({ results: [{ serial: lost, ok: true }] });

  const viewer = await w.console.as('viewer');
  const answer = await viewer.get(`/api/migrations/${id}/audit`);
  expect(answer.statusCode).toBe(200);
  const audit = answer.json() as { migrationId: string; histories: number; entries: Entry[] };
  const admin = {
    name: w.console.name,
    via: 'console',
    subject: expect.stringMatching(/^local:/),
    role: 'admin',
    temporalIdentity: expect.any(String),
  };
  expect(audit.entries.map((e) => [e.action, e.target.serial ?? e.target.kind, e.outcome])).toEqual([
    ['start', 'migration', 'done'],
    ['pause', 'migration', 'done'],
    ['resume', 'migration', 'done'],
    ['cancel', lost, 'done'],
  ]);
  for (const e of audit.entries) expect(e.who).toEqual(admin);
  expect(audit.entries[1]).toMatchObject({
    reason: '=cmd|x',
    answer: expect.stringMatching(/pause done: .*paused/),
  });
  expect(audit.entries[3]).toMatchObject({
    reason: 'device lost',
    answer: 'cancelled: now failed (Cancelled by admin)',
  });

  const csv = await viewer.get(`/api/migrations/${id}/audit?format=csv`);
  expect(csv.headers['content-disposition']).toBe(`attachment; filename="${id}-audit.csv"`);
  expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
  const lines = csv.body.trimEnd().split('\r\n');
  expect(lines[0]).toBe(
    'at,by,via,subject,role,os_login,temporal_identity,action,target,reason,outcome,answer',
  );
  expect(lines[2]).toContain(`,pause,migration ${id},'=cmd|x,done,`);
  const json = await viewer.get(`/api/migrations/${id}/audit?format=json`);
  expect(json.headers['content-disposition']).toBe(`attachment; filename="${id}-audit.json"`);
  expect((JSON.parse(json.body) as { entries: Entry[] }).entries).toEqual(audit.entries);

  const later = await viewer.get(
    `/api/migrations/${id}/audit?since=${encodeURIComponent(audit.entries[3]!.at)}`,
  );
  expect((later.json() as { entries: Entry[] }).entries.map((e) => e.action)).toEqual(['cancel']);
});

test('when the audit is asked wrongly, then 400 names the field and an unknown migration is 404', async () => {
  const bad = await w.console.get('/api/migrations/some-id/audit?since=soonish');
  expect(bad.statusCode).toBe(400);
  expect(bad.json()).toMatchObject({ error: 'bad_request', field: 'since' });
  const format = await w.console.get('/api/migrations/some-id/audit?format=xml');
  expect(format.json()).toMatchObject({ field: 'format' });
  const missing = await w.console.get('/api/migrations/no-such-audit-x/audit');
  expect(missing.statusCode).toBe(404);
  const page = await w.console.get('/migrations/no-such-audit-x/audit');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('/assets/js/pages/audit.js');
});
