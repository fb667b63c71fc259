import { getJson, migrationApi, migrationPath, pathIds } from '../api.js';
import { statusBadge } from '../counts-bar.js';
import { actionPicker, clear, runDeviceAction } from '../device-actions.js';
import { byId, fill, h, say } from '../dom.js';
import { when, words } from '../format.js';
import { renderHeader, title } from '../header.js';
import { every } from '../poll.js';

/** `/migrations/:id/devices/:serial`: the device, its status timeline, its history, its actions. */

const [migrationId, , serial] = pathIds();
title(`${serial} · ${migrationId}`);
void renderHeader();
fill('serial', serial);
fill(
  'back',
  h('a', { href: migrationPath(migrationId) }, h('code', {}, migrationId)),
  ' · ',
  h('a', { href: migrationPath(migrationId, '/devices') }, 'all devices'),
);

const FIELDS = [
  ['status', 'Status', (d) => statusBadge(d.status)],
  ['subStatus', 'Sub-status', (d) => d.subStatus ?? ''],
  ['platform', 'Platform', (d) => d.platform ?? ''],
  ['enrollment', 'Enrollment', (d) => words(d.enrollment)],
  ['model', 'Model', (d) => d.model ?? ''],
  ['email', 'User email', (d) => d.email ?? ''],
  ['updatedAt', 'Updated', (d) => when(d.updatedAt)],
  ['workflowId', 'Workflow', (d) => (d.workflowId ? h('code', {}, d.workflowId) : 'none (not started)')],
];

function timeline(entries) {
  if (!entries?.length) return h('p', { class: 'quiet' }, 'No status recorded yet.');
  return h(
    'ol',
    { class: 'timeline' },
    entries.map((t) =>
      h(
        'li',
        { dataset: { status: t.status } },
        h('time', { datetime: t.at }, when(t.at)),
        ' ',
        statusBadge(t.status),
        t.subStatus ? h('span', { class: 'sub' }, ` ${t.subStatus}`) : '',
      ),
    ),
  );
}

/** The device's history as the workflow keeps it: entries of time and text, whatever their names. */
function history(entries) {
  if (!Array.isArray(entries) || entries.length === 0) return h('p', { class: 'quiet' }, 'No history.');
  return h(
    'ol',
    { class: 'history' },
    entries.map((e) => {
      if (typeof e !== 'object' || e === null) return h('li', {}, String(e));
      const { at, ...rest } = e;
      const text = Object.entries(rest)
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
        .join(' · ');
      return h('li', {}, at ? [h('time', { datetime: at }, when(at)), ' '] : '', text);
    }),
  );
}

const live = every(3_000, async ({ poll }) => {
  let answer;
  try {
    answer = await getJson(migrationApi(migrationId, `/devices/${encodeURIComponent(serial)}`), { poll });
  } catch (err) {
    say('load-error', 'error', `Could not read ${serial}: ${err.message}`);
    return;
  }
  byId('load-error').hidden = true;
  const { device, timeline: steps, temporalUrl } = answer;
  fill(
    'device',
    FIELDS.map(([key, label, value]) => [
      h('dt', {}, label),
      h('dd', { dataset: { field: key } }, value(device)),
    ]),
  );
  fill('timeline', timeline(steps));
  fill('history', history(answer.history));
  fill(
    'temporal-link',
    temporalUrl
      ? h(
          'a',
          { href: temporalUrl, target: '_blank', rel: 'noopener', id: 'temporal-url' },
          "Open the workflow in Temporal's UI",
        )
      : '',
  );
});

const results = byId('action-results');
const picker = actionPicker('device', async (action) => {
  clear(results);
  const done = await runDeviceAction(migrationId, action, { serials: [serial] }, serial, results);
  if (done) await live.now();
});
byId('device-picker').append(picker.element);
