import { h } from './dom.js';
import { orderedCounts, words } from './format.js';

/**
 * Devices per status as one stacked bar and its legend. Segment widths are set through the CSSOM
 * (element.style), which the CSP's style-src allows, unlike style attributes in markup. `order`: the
 * statuses in lifecycle order.
 */
export function countsBar(counts, total, order) {
  const entries = orderedCounts(counts ?? {}, order);
  const sum = entries.reduce((a, [, n]) => a + n, 0);
  const whole = Math.max(sum, total ?? 0, 1);
  const bar = h('div', { class: 'bar', role: 'img', 'aria-label': 'devices per status' });
  for (const [status, n] of entries) {
    const segment = h('span', {
      class: `segment status-${cssName(status)}`,
      title: `${words(status)}: ${n}`,
    });
    segment.style.width = `${(100 * n) / whole}%`;
    bar.append(segment);
  }
  const legend = h(
    'ul',
    { class: 'legend' },
    entries.map(([status, n]) =>
      h(
        'li',
        { dataset: { status } },
        h('span', { class: `swatch status-${cssName(status)}` }),
        h('span', { class: 'legend-status' }, words(status)),
        ' ',
        h('strong', { class: 'legend-count' }, n.toLocaleString('en')),
      ),
    ),
  );
  return h('div', { class: 'counts' }, bar, legend);
}

/** Statuses are a closed set of words; anything else gets the neutral colour. */
function cssName(status) {
  return /^[a-z_]+$/.test(status) ? status : 'other';
}

/** A small status badge. */
export function statusBadge(status) {
  return h('span', { class: `badge status-${cssName(status)}` }, words(status));
}
