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
  // Only a path on this console: `//elsewhere` or `https://…` would send the person away.
  return wanted.startsWith('/') && !wanted.startsWith('//') && !wanted.startsWith('/\\') ? wanted : '/';
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
