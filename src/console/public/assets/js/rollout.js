import { h } from './dom.js';
import { plural, when, words } from './format.js';

/**
 * The rollout of a migration in words, from the fleet's own account (getMigrationProgress) as
 * `ferry status` prints it: waves, the pause and why, the circuit breaker, the bulk ABM assignment.
 */

function fact(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

function pauseText(pause) {
  if (!pause) return 'paused';
  const by = `paused by ${pause.by} at ${when(pause.at)}`;
  if (!pause.breaker) return by;
  const b = pause.breaker;
  return `${by}: ${plural(b.devices, 'device')} failed "${b.reason}"; fix: ${b.fix}`;
}

function abmFacts(abm) {
  const state = abm.error
    ? `stopped: ${abm.error} (approve again once fixed)`
    : abm.approved
      ? `approved by ${abm.approvedBy ?? 'an admin'}`
      : 'waiting for approval';
  const notMoved = abm.lastNotAssigned ?? [];
  return [
    ...fact('Bulk ABM assignment', h('span', { id: 'abm-state' }, state)),
    ...fact(
      'ABM results',
      `${plural(abm.batches, 'batch')}: ${abm.assigned} moved to the target (read back), ` +
        `${abm.notAssigned} not moved by Apple, ${abm.undone} undone`,
    ),
    ...(notMoved.length > 0
      ? fact(
          'Not moved by Apple (latest)',
          h(
            'ul',
            { id: 'abm-not-moved' },
            notMoved.map((d) =>
              h('li', {}, h('code', {}, d.serial), d.assignedServer ? ` still on ${d.assignedServer}` : ''),
            ),
          ),
        )
      : []),
  ];
}

/** The <dl> of the rollout; `status` is the API's MigrationStatus. */
export function rolloutFacts(status) {
  const r = status.rollout;
  const started =
    status.total !== undefined
      ? `${(status.started ?? 0).toLocaleString('en')} of ${status.total.toLocaleString('en')} devices started`
      : `${status.devices ?? 0} devices`;
  const refused = status.notStarted?.count ?? 0;
  const facts = [
    ...fact('Started', h('span', { id: 'started' }, started), refused > 0 ? `, ${refused} not started` : ''),
    ...fact('In flight', inFlightText(status.inFlight)),
  ];
  if (r) {
    facts.push(
      ...fact(
        'Rollout',
        h('span', { id: 'rollout-state' }, r.state === 'paused' ? pauseText(r.pause) : words(r.state)),
      ),
      ...fact(
        'Waves',
        r.startAll ? 'every remaining device released (start all)' : `wave ${r.wave} of ${r.waves}`,
      ),
      ...fact(
        'Circuit breaker',
        r.breakerFailures > 0
          ? `pauses after ${plural(r.breakerFailures, 'device')} failed for one tenant-level reason`
          : 'off',
      ),
      ...(r.abm ? abmFacts(r.abm) : []),
    );
  } else if (status.fleet?.queryError) {
    facts.push(...fact('Rollout', `no answer from a worker: ${status.fleet.queryError}`));
  }
  return h('dl', { class: 'facts' }, facts);
}

/** "12 in flight of 50: 7 waiting for users, …; 5 failed waiting for an admin" */
function inFlightText(f) {
  if (!f) return '';
  const of = f.concurrency !== undefined ? ` of ${f.concurrency}` : '';
  const groups = Object.entries(f.groups ?? {}).map(([g, n]) => `${n} ${g}`);
  const failed =
    f.failedWaitingForAdmin > 0 ? `; ${f.failedWaitingForAdmin} failed waiting for an admin` : '';
  return `${f.holdingSlots} in flight${of}${groups.length > 0 ? `: ${groups.join(', ')}` : ''}${failed}`;
}
