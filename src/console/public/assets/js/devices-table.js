import { migrationPath } from './api.js';
import { statusBadge } from './counts-bar.js';
import { h } from './dom.js';
import { when, words } from './format.js';

/** The devices table: one page of the API's answer, sortable headers, a checkbox per device. */

export const COLUMNS = [
  { key: 'serial', label: 'Serial' },
  { key: 'status', label: 'Status' },
  { key: 'subStatus', label: 'Sub-status' },
  { key: 'platform', label: 'Platform' },
  { key: 'enrollment', label: 'Enrollment' },
  { key: 'model', label: 'Model' },
  { key: 'email', label: 'User email' },
  { key: 'updatedAt', label: 'Updated' },
];

/** The header row: a select-all box, then a sort button per column showing the current order. */
export function headerRow(query, { onSort, onSelectAll }) {
  const all = h('input', {
    type: 'checkbox',
    id: 'select-page',
    'aria-label': 'select every device on this page',
    onchange: (e) => onSelectAll(e.target.checked),
  });
  return h(
    'tr',
    {},
    h('th', { class: 'pick' }, all),
    COLUMNS.map((c) => {
      const sorted = query.sort === c.key;
      const order = sorted ? query.order : undefined;
      return h(
        'th',
        { 'aria-sort': sorted ? (order === 'desc' ? 'descending' : 'ascending') : undefined },
        h(
          'button',
          { type: 'button', class: 'sort', id: `sort-${c.key}`, onclick: () => onSort(c.key) },
          c.label,
          sorted ? (order === 'desc' ? ' ▼' : ' ▲') : '',
        ),
      );
    }),
  );
}

export function deviceRow(migrationId, d, selected, onPick) {
  const box = h('input', {
    type: 'checkbox',
    class: 'pick-device',
    checked: selected.has(d.serial),
    'aria-label': `select ${d.serial}`,
    onchange: (e) => onPick(d.serial, e.target.checked),
  });
  return h(
    'tr',
    { dataset: { serial: d.serial, status: d.status } },
    h('td', { class: 'pick' }, box),
    h(
      'td',
      {},
      h('a', { href: migrationPath(migrationId, `/devices/${encodeURIComponent(d.serial)}`) }, d.serial),
    ),
    h('td', {}, statusBadge(d.status)),
    h('td', { class: 'sub' }, d.subStatus ?? ''),
    h('td', {}, d.platform ?? ''),
    h('td', {}, words(d.enrollment)),
    h('td', {}, d.model ?? ''),
    h('td', {}, d.email ?? ''),
    h('td', {}, when(d.updatedAt)),
  );
}
