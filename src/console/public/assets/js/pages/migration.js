import { getJson, migrationApi, migrationPath, pathIds, vocabulary } from '../api.js';
import { countsBar, statusBadge } from '../counts-bar.js';
import { migrationControls } from '../controls.js';
import { byId, fill, h, say } from '../dom.js';
import { reportLinks } from '../downloads.js';
import { plural } from '../format.js';
import { renderHeader, title } from '../header.js';
import { every } from '../poll.js';
import { rolloutFacts } from '../rollout.js';

/** `/migrations/:id`: live progress, the rollout, failure reasons and the migration's controls. */

const [migrationId] = pathIds();
title(migrationId);
const session = renderHeader();

fill('migration-id', migrationId);
fill(
  'links',
  h('a', { href: migrationPath(migrationId, '/devices'), id: 'devices-link', class: 'button' }, 'Devices'),
  ' ',
  h('a', { href: migrationPath(migrationId, '/audit'), id: 'audit-link', class: 'button' }, 'Audit'),
  ' ',
  reportLinks(migrationApi(migrationId, '/report'), 'Devices report', 'report'),
);
void session.then((s) => {
  if (!s.temporalUiUrl) return;
  const query = encodeURIComponent(`FerryMigrationId='${migrationId}'`);
  const url = `${s.temporalUiUrl}/namespaces/${encodeURIComponent(s.namespace)}/workflows?query=${query}`;
  byId('links').append(' ', h('a', { href: url, target: '_blank', rel: 'noopener' }, "Temporal's UI"));
});

const live = every(2_000, draw);
const controls = migrationControls(migrationId, () => live.now());
fill('controls', controls.element);

function failures(reasons) {
  const entries = Object.entries(reasons ?? {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return h('p', { class: 'quiet' }, 'No device failed.');
  const filtered = (reason) =>
    `${migrationPath(migrationId, '/devices')}?status=failed&subStatus=${encodeURIComponent(reason)}`;
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Devices'))),
    h(
      'tbody',
      {},
      entries.map(([reason, n]) =>
        h(
          'tr',
          { dataset: { reason } },
          h('td', {}, h('a', { href: filtered(reason) }, reason)),
          h('td', { class: 'num' }, n.toLocaleString('en')),
        ),
      ),
    ),
  );
}

async function draw({ poll = false } = {}) {
  let status;
  let statuses;
  try {
    [status, { statuses }] = await Promise.all([getJson(migrationApi(migrationId), { poll }), vocabulary()]);
  } catch (err) {
    say('load-error', 'error', `Could not read ${migrationId}: ${err.message}`);
    return;
  }
  byId('load-error').hidden = true;
  if (status.rollout?.name) fill('migration-name', status.rollout.name);
  fill('state', statusBadge(status.state));
  const counts = status.counts ?? {};
  const devices = status.devices ?? Object.values(counts).reduce((a, n) => a + n, 0);
  fill(
    'counts',
    countsBar(counts, status.total, statuses),
    h('p', { id: 'device-count' }, plural(devices, 'device')),
  );
  fill('rollout', rolloutFacts(status));
  fill('failures', failures(status.failedReasons));
  const needs = status.waitingForAdmin ?? [];
  byId('waiting-section').hidden = needs.length === 0;
  fill(
    'waiting',
    needs.map((n) => h('li', {}, n)),
  );
  controls.update(status);
}
