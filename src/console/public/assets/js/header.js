import { getSession, post, toSignIn } from './api.js';
import { fill, h } from './dom.js';

/**
 * Every page's header: the console's name, its pages (the accounts page for Owners), who is signed in
 * with which role, and signing out. The body's data-role hides the controls a role may not use
 * (console.css, `.needs-admin`); the server refuses them anyway (a hidden button is not a control).
 */
export async function renderHeader(current) {
  const header = document.querySelector('header.top');
  const link = (href, text, key) =>
    h('a', { href, 'aria-current': key === current ? 'page' : undefined }, text);
  const nav = h(
    'nav',
    {},
    link('/', 'Migrations', 'migrations'),
    h('span', { class: 'needs-admin' }, link('/new', 'New migration', 'new')),
  );
  fill(header, h('a', { href: '/', class: 'brand' }, 'Ferry'), nav);
  try {
    const session = await getSession();
    const { name, role } = session.identity;
    document.body.dataset.role = role;
    if (role === 'owner') nav.append(link('/accounts', 'Accounts', 'accounts'));
    header.append(
      h('span', { class: 'namespace' }, `namespace ${session.namespace}`),
      h(
        'span',
        { class: 'who', id: 'signed-in' },
        `${name} · ${role}`,
        ' ',
        h('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'),
      ),
    );
    return session;
  } catch (err) {
    header.append(h('span', { class: 'notice notice-error' }, `console unreachable: ${err.message}`));
    throw err;
  }
}

async function signOut() {
  try {
    await post('/api/sign-out');
  } finally {
    toSignIn();
  }
}

/** Sets the tab's title: "<what> · Ferry console". */
export function title(what) {
  document.title = `${what} · Ferry console`;
}
