import { byId, fill, h } from './dom.js';

/**
 * Who acts, and whether they mean it. Until sign-in lands the admin names themself once per browser
 * (kept in localStorage, sent as `by` like the CLI's --by); an action that cannot be undone always asks
 * for confirmation in a dialog, one that can is sent at once when the name is known.
 */

const KEY = 'ferry.console.by';

export const actor = () => localStorage.getItem(KEY) ?? '';

/**
 * Resolves to `{by, reason}` when the admin confirms, or undefined when they cancel. `ask`: the dialog
 * even when a name is known (irreversible actions). `reason`: show the optional reason field.
 */
export function confirmAction({ title, text, confirmLabel, ask = true, reason = false, danger = false }) {
  const known = actor();
  if (!ask && known) return Promise.resolve({ by: known });
  const dialog = byId('confirm');
  const by = h('input', { name: 'by', id: 'confirm-by', required: true, maxlength: 200, value: known });
  const why = h('input', { name: 'reason', id: 'confirm-reason', maxlength: 500 });
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', {}, title),
    text ? h('p', {}, text) : null,
    h('label', { for: 'confirm-by' }, 'Your name (recorded as who acted)'),
    by,
    reason ? [h('label', { for: 'confirm-reason' }, 'Reason (optional)'), why] : null,
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
      const name = by.value.trim();
      if (!name) return;
      localStorage.setItem(KEY, name);
      done({ by: name, ...(why.value.trim() ? { reason: why.value.trim() } : {}) });
    });
    dialog.showModal();
    (known ? form.querySelector('#confirm-ok') : by).focus();
  });
}
