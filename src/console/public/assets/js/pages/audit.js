import { getJson, migrationApi, migrationPath, pathIds } from '../api.js';
import { fill, h, say } from '../dom.js';
import { reportLinks } from '../downloads.js';
import { plural, when } from '../format.js';
import { renderHeader, title } from '../header.js';

/** `/migrations/:id/audit`: the admin actions on the migration and its devices, with the workflows' answers. */

const [migrationId] = pathIds();
title(`Audit · ${migrationId}`);
void renderHeader();
fill('migration-link', h('a', { href: migrationPath(migrationId) }, h('code', {}, migrationId)));
fill('links', reportLinks(migrationApi(migrationId, '/audit'), 'Download the audit', 'audit'));

/** The person: a signed-in subject and role, or the CLI's OS login and Temporal identity. */
function who(w) {
  const name = w.name ?? w.osLogin ?? '(unnamed)';
  const details =
    w.via === 'console'
      ? [w.subject, w.role, 'console']
      : w.via === 'cli'
        ? ['cli', w.osLogin && `login ${w.osLogin}`, w.temporalIdentity]
        : [w.temporalIdentity];
  const shown = details.filter(Boolean).join(', ');
  return [h('span', { class: 'who-name' }, name), shown ? h('div', { class: 'quiet' }, shown) : null];
}

function target(t) {
  if (t.kind === 'migration') return 'the migration';
  return h('a', { href: migrationPath(migrationId, `/devices/${encodeURIComponent(t.serial)}`) }, t.serial);
}

function row(e) {
  return h(
    'tr',
    { dataset: { action: e.action, outcome: e.outcome } },
    h('td', {}, h('time', { datetime: e.at }, when(e.at))),
    h('td', { class: 'who' }, who(e.who)),
    h('td', {}, e.action),
    h('td', {}, target(e.target)),
    h('td', {}, e.reason ?? ''),
    h('td', { class: `outcome outcome-${e.outcome}` }, e.answer),
  );
}

async function draw() {
  let audit;
  try {
    audit = await getJson(migrationApi(migrationId, '/audit'));
  } catch (err) {
    say('audit-state', 'error', `Could not read the audit of ${migrationId}: ${err.message}`);
    return;
  }
  const histories = `${audit.histories} workflow histor${audit.histories === 1 ? 'y' : 'ies'}`;
  say('audit-state', 'info', `${plural(audit.entries.length, 'action')} in ${histories}`);
  if (audit.entries.length === 0) {
    fill('audit', h('p', { class: 'quiet' }, 'No admin action recorded yet.'));
    return;
  }
  const head = ['When', 'Who', 'Action', 'Target', 'Reason', "Workflow's answer"];
  fill(
    'audit',
    h(
      'table',
      { class: 'grid', id: 'audit-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((c) => h('th', {}, c)),
        ),
      ),
      h('tbody', {}, audit.entries.map(row)),
    ),
  );
}

void draw();
