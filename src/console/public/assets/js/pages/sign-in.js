import { beforeSignIn, getSession, post } from '../api.js';
import { byId, say } from '../dom.js';

/**
 * `/sign-in`: username, password and the authenticator app's code (or the organisation's identity
 * provider, when the console has one); then back to the page that sent here (`?next=`, a path of this
 * console only).
 */

beforeSignIn();

function next() {
  const wanted = new URLSearchParams(location.search).get('next') ?? '/';
  // Resolved as the browser will resolve it, not checked as text: the browser drops tabs and newlines
  // and reads `\` as `/`, so `/<tab>/elsewhere` would pass a prefix check and still leave the console.
  try {
    const url = new URL(wanted, location.origin);
    if (url.origin === location.origin) return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    // Not a URL at all: the console's start page.
  }
  return '/';
}

void getSession().then(
  (session) => {
    byId('oidc').hidden = !session.methods?.oidc;
  },
  (err) => say('sign-in-result', 'error', `console unreachable: ${err.message}`),
);

byId('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = byId('sign-in-submit');
  button.disabled = true;
  try {
    await post('/api/sign-in', {
      username: byId('username').value,
      password: byId('password').value,
      code: byId('code').value,
    });
    location.assign(next());
  } catch (err) {
    byId('code').value = '';
    say('sign-in-result', 'error', err.message);
  } finally {
    button.disabled = false;
  }
});
