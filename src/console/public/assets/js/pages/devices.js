import { getJson, migrationApi, migrationPath, pathIds, vocabulary } from '../api.js';
import { actionPicker, clear, runDeviceAction } from '../device-actions.js';
import { deviceRow, headerRow } from '../devices-table.js';
import { byId, fill, h, say } from '../dom.js';
import { plural, words } from '../format.js';
import { renderHeader, title } from '../header.js';

/**
 * `/migrations/:id/devices`: the server pages, sorts and filters (10,000 devices stay fast); the page
 * keeps its query in the address bar (never the email filter: emails stay out of URLs and logs).
 */

const [migrationId] = pathIds();
title(`Devices of ${migrationId}`);
void renderHeader();
fill('migration-link', h('a', { href: migrationPath(migrationId) }, h('code', {}, migrationId)));

const FILTERS = ['status', 'subStatus', 'platform', 'enrollment', 'model', 'serial', 'email'];
const form = byId('filters');
const options = (select, values) => select.append(...values.map((v) => h('option', { value: v }, words(v))));

const params = new URLSearchParams(location.search);
const query = { sort: 'serial', order: 'asc', page: 1, pageSize: 50 };
for (const key of [...FILTERS, 'sort', 'order'])
  if (params.get(key) && key !== 'email') query[key] = params.get(key);
for (const key of ['page', 'pageSize']) if (Number(params.get(key)) > 0) query[key] = Number(params.get(key));
const vocabularyShown = vocabulary().then((v) => {
  options(form.elements.status, v.statuses);
  options(form.elements.platform, v.platforms);
  options(form.elements.enrollment, v.enrollmentKinds);
  // The filters of the address bar, once their selects hold the values.
  for (const key of FILTERS) if (query[key]) form.elements[key].value = query[key];
});
form.elements.pageSize.value = String(query.pageSize);

const selected = new Set();
let shown = { total: 0, devices: [] };
const results = byId('action-results');

function apiQuery() {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') q.set(key, String(value));
  return q;
}

/** The filter alone (what "all filtered devices" means to the server). */
function filterOnly() {
  return Object.fromEntries(FILTERS.filter((k) => query[k]).map((k) => [k, query[k]]));
}

async function load() {
  const table = byId('devices-table');
  table.dataset.state = 'loading';
  const shareable = apiQuery();
  shareable.delete('email');
  history.replaceState(null, '', `${location.pathname}?${shareable}`);
  try {
    shown = await getJson(`${migrationApi(migrationId, '/devices')}?${apiQuery()}`);
  } catch (err) {
    say('load-error', 'error', err.field ? `${err.field}: ${err.message}` : err.message);
    table.dataset.state = 'error';
    return;
  }
  byId('load-error').hidden = true;
  draw();
  table.dataset.state = 'ready';
  // For the benchmark (BENCHMARKS.md): the first table drawn, in ms since the page's navigation.
  if (performance.getEntriesByName('ferry:devices-table').length === 0)
    performance.mark('ferry:devices-table');
}

function draw() {
  const { total, devices } = shown;
  fill(
    'devices-head',
    headerRow(query, {
      onSort: (key) => {
        query.order = query.sort === key && query.order === 'asc' ? 'desc' : 'asc';
        query.sort = key;
        query.page = 1;
        void load();
      },
      onSelectAll: (on) => {
        for (const d of devices) toggle(d.serial, on);
        draw();
      },
    }),
  );
  const pick = (serial, on) => {
    toggle(serial, on);
    drawSelection();
  };
  fill(
    'devices',
    devices.length > 0
      ? devices.map((d) => deviceRow(migrationId, d, selected, pick))
      : h('tr', {}, h('td', { colspan: 9 }, 'No device matches.')),
  );
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  fill('summary', `${plural(total, 'device')} ${total === 1 ? 'matches' : 'match'}`);
  fill(
    'pager',
    h(
      'button',
      { type: 'button', id: 'page-prev', disabled: query.page <= 1, onclick: () => turn(-1) },
      '‹ Previous',
    ),
    h('span', { id: 'page-of' }, ` page ${query.page} of ${pages} `),
    h(
      'button',
      { type: 'button', id: 'page-next', disabled: query.page >= pages, onclick: () => turn(1) },
      'Next ›',
    ),
  );
  drawSelection();
}

function toggle(serial, on) {
  if (on) selected.add(serial);
  else selected.delete(serial);
}

function turn(by) {
  query.page += by;
  void load();
}

function drawSelection() {
  fill('scope-selected-label', `the ${plural(selected.size, 'selected device')}`);
  fill('scope-filtered-label', `all ${plural(shown.total, 'device')} the filter matches`);
  byId('scope-selected').disabled = selected.size === 0;
  if (selected.size === 0) byId('scope-filtered').checked = true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  for (const key of FILTERS) query[key] = form.elements[key].value.trim() || undefined;
  query.pageSize = Number(form.elements.pageSize.value);
  query.page = 1;
  selected.clear();
  void load();
});
form.addEventListener('reset', () => {
  for (const key of FILTERS) query[key] = undefined;
  query.page = 1;
  query.pageSize = 50;
  selected.clear();
  void load();
});

const picker = actionPicker('bulk', async (action) => {
  const onSelected = byId('scope-selected').checked && selected.size > 0;
  const target = onSelected ? { serials: [...selected] } : { filter: filterOnly() };
  const what = onSelected
    ? plural(selected.size, 'selected device')
    : `${plural(shown.total, 'device')} (filtered)`;
  clear(results);
  const done = await runDeviceAction(migrationId, action, target, what, results);
  if (done) {
    selected.clear();
    await load();
  }
});
byId('bulk-picker').append(picker.element);
// A session that failed is shown in the header; the table still loads.
void vocabularyShown.catch(() => undefined).then(load);
