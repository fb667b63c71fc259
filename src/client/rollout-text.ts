import type { FleetProgress, FleetState } from '../workflows/fleet/messages';

/** A migration's rollout in words, from its fleet's progress: what `ferry status`, the actions and the console say. */

/** The fleet's own state; runs that predate `state` (a worker on older code) are read from its flags. */
export function fleetStateOf(p: FleetProgress): FleetState {
  const state = (p as Partial<FleetProgress>).state;
  if (state) return state;
  if (p.cancelled) return 'cancelled';
  if (p.nextOffset >= p.total) return 'finishing';
  if (p.paused) return 'paused';
  return p.waitingForWaveApproval ? 'waiting_for_wave' : 'rolling_out';
}

/** "18/20 devices started (2 already started), 1 not started": every device the rollout got to. */
export function startedText(c: {
  started: number;
  alreadyStarted: number;
  total: number;
  notStarted?: number;
}): string {
  const already = c.alreadyStarted > 0 ? ` (${c.alreadyStarted} already started)` : '';
  const refused = c.notStarted ? `, ${c.notStarted} not started` : '';
  return `${c.started + c.alreadyStarted}/${c.total} devices started${already}${refused}`;
}

/** The state in words: who paused it, which wave waits. */
export function stateText(p: FleetProgress): string {
  switch (fleetStateOf(p)) {
    case 'rolling_out':
      return 'rolling out';
    case 'paused':
      return p.pause ? `paused by ${p.pause.by}` : 'paused';
    case 'waiting_for_wave':
      return `waiting for approval of wave ${p.wave} of ${p.waves}`;
    case 'finishing':
      return 'finishing (every device started; waiting for the open ones to close)';
    case 'finished':
      return 'finished';
    case 'cancelled':
      return 'cancelled';
  }
}

/** The rollout in one line: what `status` shows and an action answers with. */
export function rolloutText(p: FleetProgress): string {
  const abm = p.abm ? `; ABM assignment ${abmState(p.abm)}` : '';
  return `${startedText(p)}, ${stateText(p)}${abm}`;
}

/** The bulk ABM assignment in one line (status and the approve-abm answer). */
export function abmState(abm: NonNullable<FleetProgress['abm']>): string {
  if (abm.error) return `stopped: ${abm.error}`;
  if (!abm.approved) return 'waiting for approval (ferry approve-abm)';
  const counts = `${abm.assigned} assigned, ${abm.notAssigned} not moved by Apple`;
  return `approved by ${abm.approvedBy ?? 'an admin'}; ${abm.batches} batches: ${counts}`;
}
