/** Words and numbers as the CLI says them. */

/** The device statuses in lifecycle order, then the one for devices Temporal refused to start. */
export const STATUSES = [
  'getting_ready',
  'abm_reassignment_pending',
  'ade_sync',
  'ready',
  'started',
  'unenrolling',
  'unenrolled',
  'reenrolling',
  'reenrolled',
  'failed',
  'not_started',
];

export const PLATFORMS = ['ios', 'android'];
export const ENROLLMENT_KINDS = ['ade', 'standard', 'legacy', 'work_profile', 'fully_managed', 'unknown'];

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

/** A count of devices per status in STATUSES order, the unknown ones after. */
export function orderedCounts(counts) {
  const known = STATUSES.filter((s) => counts[s] > 0).map((s) => [s, counts[s]]);
  const other = Object.entries(counts).filter(([s, n]) => n > 0 && !STATUSES.includes(s));
  return [...known, ...other];
}
