/** Words and numbers as the CLI says them. */

/** `abm_reassignment_pending` → `abm reassignment pending` */
export const words = (value) => String(value ?? '').replaceAll('_', ' ');

export function plural(n, word) {
  const many = /(s|x|ch|sh)$/.test(word) ? `${word}es` : `${word}s`;
  return `${n.toLocaleString('en')} ${n === 1 ? word : many}`;
}

/** An ISO time as the admin's browser shows dates; '' for none. */
export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/** A count of devices per status in `order` (the statuses' lifecycle order), the unknown ones after. */
export function orderedCounts(counts, order = []) {
  const known = order.filter((s) => counts[s] > 0).map((s) => [s, counts[s]]);
  const other = Object.entries(counts).filter(([s, n]) => n > 0 && !order.includes(s));
  return [...known, ...other];
}
