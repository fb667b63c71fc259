import { migrationApi, post } from './api.js';
import { confirmAction } from './confirm.js';
import { fill, h, say } from './dom.js';

/**
 * Admin actions on devices (the device workflows' updates, as `ferry retry` & co. send them), on a
 * list of serials or on every device a filter matches; the answer is one line per device.
 */

export const DEVICE_ACTIONS = [
  { action: 'retry', label: 'Retry', text: 'Runs the failed step again (a failed device only).' },
  {
    action: 'cancel',
    label: 'Cancel',
    danger: true,
    text: 'Stops the device\'s migration and rolls back what can be ("Cancelled by admin"). This cannot be undone.',
  },
  {
    action: 'confirm-abm',
    label: 'Confirm ABM',
    text: 'Confirms the device was reassigned in Apple Business Manager.',
  },
  {
    action: 'confirm-removed',
    label: 'Confirm removed',
    text: 'Confirms the device was removed from the source.',
  },
  { action: 'renotify', label: 'Re-notify', text: 'Sends the user their migration message again.' },
  {
    action: 'reissue-token',
    label: 'Re-issue token',
    text: 'Issues a new registration token and sends it to the user.',
  },
];

const byName = Object.fromEntries(DEVICE_ACTIONS.map((a) => [a.action, a]));

/**
 * Asks for confirmation, sends `{action, serials | filter, by}` and shows the results in `resultsEl`.
 * `target`: `{serials: [...]}` or `{filter: {...}}`; `what`: the devices in words for the dialog.
 */
export async function runDeviceAction(migrationId, action, target, what, resultsEl) {
  const a = byName[action];
  const request = await confirmAction({
    title: `${a.label}: ${what}`,
    text: a.text,
    confirmLabel: a.label,
    danger: a.danger,
  });
  if (!request) return undefined;
  say(resultsEl, 'info', `${a.label}: sending to ${what} …`);
  try {
    const { results } = await post(migrationApi(migrationId, '/devices/actions'), {
      action,
      ...target,
      by: request.by,
    });
    showResults(resultsEl, a.label, results);
    return results;
  } catch (err) {
    say(resultsEl, 'error', `${a.label} refused: ${err.message}`);
    return undefined;
  }
}

function showResults(resultsEl, label, results) {
  const failed = results.filter((r) => !r.ok).length;
  const summary = `${label}: ${results.length - failed} of ${results.length} done${failed ? `, ${failed} refused` : ''}`;
  say(resultsEl, failed ? 'error' : 'ok', h('p', { class: 'results-summary' }, summary));
  resultsEl.append(
    h(
      'ul',
      { class: 'results' },
      results.map((r) =>
        h(
          'li',
          { class: r.ok ? 'result-ok' : 'result-failed', dataset: { serial: r.serial } },
          h('code', {}, r.serial),
          `: ${r.message || (r.ok ? 'done' : 'refused')}`,
        ),
      ),
    ),
  );
}

/** A select of the actions and a button; `onRun(action)` does the rest. */
export function actionPicker(id, onRun) {
  const select = h(
    'select',
    { id: `${id}-action`, 'aria-label': 'action' },
    DEVICE_ACTIONS.map((a) => h('option', { value: a.action }, a.label)),
  );
  const button = h(
    'button',
    { type: 'button', id: `${id}-run`, onclick: () => onRun(select.value) },
    'Apply',
  );
  // Hidden from Viewers (header.js, console.css): the server refuses them an action anyway.
  const element = h('span', { class: 'picker needs-admin' }, select, ' ', button);
  return { element, select, button };
}

export const clear = (el) => {
  el.hidden = true;
  fill(el);
};
