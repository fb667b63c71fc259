import { getSession } from './api.js';
import { fill, h } from './dom.js';

/**
 * Every page's header: the console's name, its pages, and what stands in for sign-in until issue 17:
 * the console listens on loopback only, and says so on every page.
 */
export async function renderHeader(current) {
  const header = document.querySelector('header.top');
  const link = (href, text, key) =>
    h('a', { href, 'aria-current': key === current ? 'page' : undefined }, text);
  fill(
    header,
    h('a', { href: '/', class: 'brand' }, 'Ferry'),
    h('nav', {}, link('/', 'Migrations', 'migrations'), link('/new', 'New migration', 'new')),
    h('span', { class: 'loopback', id: 'loopback', role: 'note' }, 'no sign-in yet: loopback only'),
  );
  try {
    const session = await getSession();
    header.append(h('span', { class: 'namespace' }, `namespace ${session.namespace}`));
    return session;
  } catch (err) {
    header.append(h('span', { class: 'notice notice-error' }, `console unreachable: ${err.message}`));
    throw err;
  }
}

/** Sets the tab's title: "<what> · Ferry console". */
export function title(what) {
  document.title = `${what} · Ferry console`;
}
