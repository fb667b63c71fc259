import { byId, fill, h } from './dom.js';

/**
 * Whether the admin means it, and why. Who acts is the signed-in person: the server takes it from the
 * session, never from the page. An action that cannot be undone always asks for confirmation in a
 * dialog (with an optional reason, kept in the workflow's history and the audit); one that can is sent
 * at once.
 */

/**
 * Resolves to `{reason?}` when the admin confirms, or undefined when they cancel. `ask`: show the
 * dialog (irreversible actions). `reason`: show the optional reason field.
 */
export function confirmAction({ title, text, confirmLabel, ask = true, reason = false, danger = false }) {
  if (!ask) return Promise.resolve({});
  const dialog = byId('confirm');
  const why = h('input', { name: 'reason', id: 'confirm-reason', maxlength: 1000 });
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', {}, title),
    text ? h('p', {}, text) : null,
    reason ? [h('label', { for: 'confirm-reason' }, 'Reason (optional, kept in the audit)'), why] : null,
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', value: 'cancel', id: 'confirm-cancel' }, 'Cancel'),
      h(
        'button',
        { type: 'submit', value: 'ok', id: 'confirm-ok', class: danger ? 'danger' : 'primary' },
        confirmLabel,
      ),
    ),
  );
  fill(dialog, form);
  return new Promise((resolve) => {
    const done = (value) => {
      dialog.close();
      resolve(value);
    };
    form.querySelector('#confirm-cancel').addEventListener('click', () => done(undefined));
    dialog.addEventListener('cancel', () => resolve(undefined), { once: true });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      done(why.value.trim() ? { reason: why.value.trim() } : {});
    });
    dialog.showModal();
    (reason ? why : form.querySelector('#confirm-ok')).focus();
  });
}
