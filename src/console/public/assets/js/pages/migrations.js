import { getJson, migrationPath, vocabulary } from '../api.js';
import { countsBar, statusBadge } from '../counts-bar.js';
import { byId, fill, h, say } from '../dom.js';
import { reportLinks } from '../downloads.js';
import { when } from '../format.js';
import { renderHeader, title } from '../header.js';
import { every } from '../poll.js';

/** `/`: every migration Temporal knows, newest first, with its state and devices per status. */

title('Migrations');
void renderHeader('migrations');
fill('reports', reportLinks('/api/reports/migrations', 'Migrations report', 'migrations-report'));

function row(m, statuses) {
  return h(
    'tr',
    { dataset: { migration: m.id } },
    h('td', {}, h('a', { href: migrationPath(m.id) }, m.name ? `${m.name} ` : '', h('code', {}, m.id))),
    h('td', {}, statusBadge(m.state)),
    h('td', { class: 'num' }, (m.devices ?? 0).toLocaleString('en')),
    h('td', { class: 'wide' }, countsBar(m.counts, m.devices, statuses)),
    h('td', {}, when(m.startedAt)),
    h('td', {}, m.startedBy ?? ''),
  );
}

every(5_000, async ({ poll }) => {
  try {
    const [{ migrations }, { statuses }] = await Promise.all([
      getJson('/api/migrations', { poll }),
      vocabulary(),
    ]);
    byId('list-error').hidden = true;
    fill(
      'migrations',
      migrations.length > 0
        ? migrations.map((m) => row(m, statuses))
        : h(
            'tr',
            {},
            h('td', { colspan: 6 }, 'No migration yet. ', h('a', { href: '/new' }, 'Start one'), '.'),
          ),
    );
  } catch (err) {
    say('list-error', 'error', `Could not read the migrations: ${err.message}`);
  }
});
