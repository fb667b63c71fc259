import { migrationApi, post } from './api.js';
import { confirmAction } from './confirm.js';
import { h, say } from './dom.js';

/**
 * A migration's controls: the fleet workflow's admin updates. Those that cannot be undone ask for
 * confirmation; the answer (or the workflow's reason for refusing) shows in #action-result.
 */

const ACTIONS = [
  { action: 'pause', label: 'Pause', undoable: true, text: 'Stops starting devices; running ones go on.' },
  { action: 'resume', label: 'Resume', undoable: true, text: 'Starts devices again after a pause.' },
  { action: 'approve-wave', label: 'Approve wave', text: 'Lets the next wave of devices start.' },
  {
    action: 'approve-abm',
    label: 'Approve ABM',
    text:
      'Lets Ferry assign the waiting ADE devices to the target in Apple Business Manager, in bulk. ' +
      'Each device is read back; one Apple did not move fails with "ABM assignment not done".',
  },
  {
    action: 'start-all',
    label: 'Start all',
    text: 'Drops waves and the start rate: every remaining device starts.',
  },
  {
    action: 'cancel',
    label: 'Cancel migration',
    danger: true,
    text: 'Stops starting devices and cancels every running one ("Cancelled by admin"). This cannot be undone.',
  },
];

const RUNNING = ['rolling_out', 'paused', 'waiting_for_wave', 'finishing'];

/** Which actions make sense in this state; the workflow still decides (and says why it refuses). */
function enabled(action, status) {
  const r = status.rollout;
  if (!RUNNING.includes(status.state)) return false;
  switch (action) {
    case 'pause':
      return status.state === 'rolling_out' || status.state === 'waiting_for_wave';
    case 'resume':
      return status.state === 'paused';
    case 'approve-wave':
      return status.state === 'waiting_for_wave';
    case 'approve-abm':
      return Boolean(r?.abm && (!r.abm.approved || r.abm.error));
    case 'start-all':
      return !r?.startAll && status.state !== 'finishing';
    default:
      return true;
  }
}

/** The buttons, built once; `update(status)` enables them for the state of the moment. */
export function migrationControls(migrationId, onDone) {
  let busy = false;
  const buttons = ACTIONS.map((a) =>
    h(
      'button',
      {
        type: 'button',
        id: `action-${a.action}`,
        class: a.danger ? 'danger' : undefined,
        title: a.text,
        onclick: () => run(a),
      },
      a.label,
    ),
  );
  async function run(a) {
    const request = await confirmAction({
      title: `${a.label}: ${migrationId}`,
      text: a.text,
      confirmLabel: a.label,
      ask: !a.undoable,
      reason: true,
      danger: a.danger,
    });
    if (!request) return;
    busy = true;
    buttons.forEach((b) => (b.disabled = true));
    try {
      const answer = await post(migrationApi(migrationId, `/actions/${a.action}`), request);
      say('action-result', 'ok', answer.message ?? `${a.label}: done`);
    } catch (err) {
      say('action-result', 'error', `${a.label} refused: ${err.message}`);
    } finally {
      busy = false;
      await onDone();
    }
  }
  return {
    element: h(
      'div',
      { class: 'controls needs-admin', role: 'group', 'aria-label': 'migration controls' },
      buttons,
    ),
    update(status) {
      if (busy) return;
      ACTIONS.forEach((a, i) => (buttons[i].disabled = !enabled(a.action, status)));
    },
  };
}
