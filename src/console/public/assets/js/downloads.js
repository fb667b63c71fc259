import { h } from './dom.js';

/** Download links for a report: CSV and JSON (the server answers with content-disposition: attachment). */
export function reportLinks(url, label, idPrefix) {
  const link = (format) =>
    h(
      'a',
      { href: `${url}?format=${format}`, download: '', id: `${idPrefix}-${format}`, class: 'button' },
      format.toUpperCase(),
    );
  return h('span', { class: 'downloads' }, `${label}: `, link('csv'), ' ', link('json'));
}
