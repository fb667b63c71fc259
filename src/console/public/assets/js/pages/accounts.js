import { getJson, post, seg } from '../api.js';
import { byId, fill, h, say } from '../dom.js';
import { renderHeader, title } from '../header.js';

/**
 * `/accounts` (Owners): the accounts with their role and state (change a role, disable or enable,
 * unlock), invitations by one-time link, and the identity provider's group → role mapping.
 */

title('Accounts');
void renderHeader('accounts');

const ROLES = ['viewer', 'admin', 'owner'];

async function act(what, url, body) {
  try {
    await post(url, body);
    say('accounts-result', 'ok', `${what}: done`);
  } catch (err) {
    say('accounts-result', 'error', `${what} refused: ${err.message}`);
  }
  await load();
}

function accountRow(a) {
  const role = h(
    'select',
    {
      'aria-label': `role of ${a.username}`,
      dataset: { username: a.username },
      onchange: () =>
        act(`${a.username} → ${role.value}`, `/api/accounts/${seg(a.id)}`, { role: role.value }),
    },
    ROLES.map((r) => h('option', { value: r, selected: r === a.role }, r)),
  );
  const state = a.disabled ? 'disabled' : a.locked ? `locked until ${a.lockedUntil}` : 'active';
  return h(
    'tr',
    { dataset: { username: a.username } },
    h('td', {}, a.username),
    h('td', {}, a.name),
    h('td', {}, role),
    h('td', { class: 'state' }, state),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'toggle',
          onclick: () =>
            act(`${a.disabled ? 'Enable' : 'Disable'} ${a.username}`, `/api/accounts/${seg(a.id)}`, {
              disabled: !a.disabled,
            }),
        },
        a.disabled ? 'Enable' : 'Disable',
      ),
      a.locked
        ? h(
            'button',
            {
              type: 'button',
              class: 'unlock',
              onclick: () => act(`Unlock ${a.username}`, `/api/accounts/${seg(a.id)}/unlock`),
            },
            'Unlock',
          )
        : null,
    ),
  );
}

function invitationRow(i) {
  return h(
    'tr',
    {},
    h('td', {}, i.username),
    h('td', {}, i.role),
    h('td', {}, i.createdBy),
    h('td', {}, i.expiresAt),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          onclick: () => act(`Revoke ${i.username}'s link`, `/api/accounts/invitations/${seg(i.id)}/revoke`),
        },
        'Revoke',
      ),
    ),
  );
}

async function load() {
  const { accounts, invitations, groupRoles } = await getJson('/api/accounts');
  fill('accounts', accounts.map(accountRow));
  fill('invitations', invitations.map(invitationRow));
  const text = byId('group-roles');
  if (document.activeElement !== text) text.value = groupRoles.map((g) => `${g.group}=${g.role}`).join('\n');
}

byId('invite-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const { path, expiresAt } = await post('/api/accounts/invitations', {
      username: byId('invite-username').value,
      name: byId('invite-name').value,
      role: byId('invite-role').value,
    });
    const link = `${location.origin}${path}`;
    say(
      'invite-result',
      'ok',
      'Send this link to them (it works once, until ',
      expiresAt,
      '; it is not shown again): ',
      h('code', { id: 'invite-link' }, link),
    );
    byId('invite-form').reset();
  } catch (err) {
    say('invite-result', 'error', `Invitation refused: ${err.message}`);
  }
  await load();
});

byId('groups-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const lines = byId('group-roles')
    .value.split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const groupRoles = lines.map((l) => {
    const at = l.lastIndexOf('=');
    return { group: l.slice(0, at).trim(), role: l.slice(at + 1).trim() };
  });
  try {
    await post('/api/group-roles', { groupRoles });
    say('groups-result', 'ok', 'Saved: people get these roles at their next sign-in.');
  } catch (err) {
    say('groups-result', 'error', `Not saved: ${err.message}`);
  }
});

void load().catch((err) => say('accounts-result', 'error', err.message));
