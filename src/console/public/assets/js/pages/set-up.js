import { beforeSignIn, post } from '../api.js';
import { byId, say } from '../dom.js';

/**
 * `/set-up#TOKEN`: a one-time link's page (the first Owner's from `ferry console-owner`, or an
 * invitation). The token stays in the fragment, which no request carries but the ones this page makes.
 * It shows the TOTP key to scan, then sets the password and checks one code, and signs in.
 */

beforeSignIn();

const token = location.hash.slice(1);
const ROLE_WORDS = { viewer: 'Viewer', admin: 'Admin', owner: 'Owner' };

async function open() {
  if (!token) {
    say('set-up-result', 'error', 'this page needs the whole set-up link (it ends with #…)');
    return;
  }
  try {
    const link = await post('/api/set-up/open', { token });
    byId('account-username').textContent = link.username;
    byId('account-role').textContent = ROLE_WORDS[link.role] ?? link.role;
    byId('account-name').textContent = link.name;
    byId('totp-qr').src = link.totpQr;
    byId('totp-secret').textContent = link.totpSecret.replace(/(.{4})/g, '$1 ').trim();
    byId('set-up').hidden = false;
  } catch (err) {
    say('set-up-result', 'error', err.message);
  }
}

byId('set-up-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = byId('password').value;
  if (password !== byId('password-again').value) {
    say('set-up-result', 'error', 'the two passwords differ');
    return;
  }
  const button = byId('set-up-submit');
  button.disabled = true;
  try {
    await post('/api/set-up/finish', { token, password, code: byId('code').value });
    location.replace('/');
  } catch (err) {
    say('set-up-result', 'error', err.message);
  } finally {
    button.disabled = false;
  }
});

void open();
