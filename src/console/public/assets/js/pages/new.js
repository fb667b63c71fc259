import { migrationPath, post } from '../api.js';
import { confirmAction } from '../confirm.js';
import { byId, fill, h, say } from '../dom.js';
import { plural } from '../format.js';
import { renderHeader, title } from '../header.js';

/**
 * `/new`: the device list (checked as `ferry validate` checks it: every problem by line and field),
 * the preflight checklist (run through Temporal, as `ferry preflight`), the rollout options, start.
 */

title('New migration');
void renderHeader('new');

let upload; // the server's answer for the list of the moment

const uploadForm = byId('upload-form');
const optionsForm = byId('options');

function problemsTable(problems) {
  return h(
    'table',
    { class: 'grid', id: 'problems' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Line', 'Field', 'Problem', ''].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      problems.map((p) =>
        h(
          'tr',
          { class: `problem-${p.severity}`, dataset: { line: p.line, field: p.field ?? '' } },
          h('td', { class: 'num' }, p.line ?? ''),
          h('td', {}, p.field ?? ''),
          h('td', {}, p.message),
          h('td', {}, p.severity),
        ),
      ),
    ),
  );
}

uploadForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = uploadForm.elements.devices.files[0];
  if (!file) return;
  upload = undefined;
  byId('step-preflight').hidden = true;
  byId('step-options').hidden = true;
  fill('problems-area');
  say('upload-result', 'info', `Checking ${file.name} …`);
  try {
    upload = await post('/api/uploads', await file.text(), 'text/csv');
  } catch (err) {
    say('upload-result', 'error', `${file.name} was refused: ${err.message}`);
    return;
  }
  const errors = upload.problems.filter((p) => p.severity === 'error').length;
  const warnings = upload.problems.length - errors;
  if (upload.ok) {
    const more = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
    say('upload-result', 'ok', `OK: ${plural(upload.devices, 'device')}${more}. Run the preflight next.`);
    byId('step-preflight').hidden = false;
  } else {
    const counted = [plural(errors, 'error'), ...(warnings ? [plural(warnings, 'warning')] : [])];
    say(
      'upload-result',
      'error',
      `${file.name} has ${counted.join(' and ')}: fix the list and upload it again.`,
    );
  }
  if (upload.problems.length > 0) fill('problems-area', problemsTable(upload.problems));
});

function checkItem(c) {
  const ok = c.ok ?? c.result === 'ok';
  const mark = ok ? 'ok' : (c.result ?? 'failed');
  return h(
    'li',
    { class: `check check-${mark}`, dataset: { ok: String(ok) } },
    h('span', { class: 'mark' }, `[${mark}]`),
    ' ',
    h('strong', {}, c.name),
    `: ${c.message ?? c.detail ?? ''}`,
  );
}

byId('run-preflight').addEventListener('click', async () => {
  if (!upload?.ok) return;
  const button = byId('run-preflight');
  button.disabled = true;
  say('preflight-result', 'info', 'Checking the target tenant …');
  fill('checks');
  try {
    const report = await post(`/api/uploads/${encodeURIComponent(upload.uploadId)}/preflight`, {});
    fill('checks', report.checks.map(checkItem));
    const verdicts = report.devices ?? [];
    if (verdicts.length > 0) {
      byId('checks').append(
        ...verdicts.map((d) =>
          h(
            'li',
            { class: `check check-${d.blocking ? 'failed' : 'warning'}` },
            h('code', {}, d.serialNumber ?? d.serial),
            `: ${d.reason}`,
          ),
        ),
      );
    }
    const failed = report.checks.filter(
      (c) => !(c.ok ?? c.result === 'ok') && c.result !== 'declared',
    ).length;
    say(
      'preflight-result',
      failed ? 'error' : 'ok',
      failed
        ? `${plural(failed, 'check')} did not pass: you may still start, those devices would fail.`
        : 'Every check passed.',
    );
    byId('step-options').hidden = false;
  } catch (err) {
    say('preflight-result', 'error', `The preflight could not run: ${err.message}. You may still start.`);
    byId('step-options').hidden = false;
  } finally {
    button.disabled = false;
  }
});

/**
 * The rollout and migration options the admin set, named as `ferry start`'s flags (`wave-size`,
 * `enrollment-check-interval`, …); left-out ones take the CLI's defaults.
 */
function chosenOptions() {
  const options = {};
  for (const input of optionsForm.querySelectorAll('[data-option]')) {
    if (input.type === 'checkbox') {
      if (input.checked) options[input.name] = true;
    } else if (input.value.trim() !== '') {
      options[input.name] = input.type === 'number' ? Number(input.value) : input.value.trim();
    }
  }
  return options;
}

optionsForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!upload?.ok) return;
  const f = optionsForm.elements;
  const name = f.name.value.trim();
  const request = await confirmAction({
    title: `Start the migration "${name}"`,
    text: `${plural(upload.devices, 'device')} will start migrating; users are told as their devices start.`,
    confirmLabel: 'Start',
  });
  if (!request) return;
  say('start-result', 'info', 'Starting …');
  try {
    const { id } = await post('/api/migrations', {
      uploadId: upload.uploadId,
      name,
      ...(f.migrationId.value.trim() ? { migrationId: f.migrationId.value.trim() } : {}),
      options: chosenOptions(),
    });
    location.assign(migrationPath(id));
  } catch (err) {
    say('start-result', 'error', err.field ? `${err.field}: ${err.message}` : `Not started: ${err.message}`);
  }
});
