import { Random } from '../src/services/shared/simulator/random';

/** `both`: the server and the worker at once, as when the machine both run on goes down. */
export type KillTarget = 'worker' | 'server' | 'both';

export const KILL_POINTS = ['random', 'last-device'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

/** One kill: of what, and once the migration has come how far (0 to 1, see `progressOf`). */
export interface PlannedKill {
  target: KillTarget;
  atProgress: number;
}

/**
 * When to kill, drawn from the run's seed: each kill at a random point of the migration's progress,
 * worker kills between 5% and 85%, server kills between 15% and 75% of the way to the point the run
 * lets the migration reach before the last kill (every device closed but one it holds), in order.
 * Progress, not the clock, so the kills land mid-migration however fast this machine is; the run fires
 * each kill once the previous one has recovered and progress has reached its point. With `together`, each server kill
 * takes one of the worker kills with it (`both`): activities the dead worker held and completions the
 * dead server lost then wait out one activity timeout (a minute) together, not one after the other.
 */
export function planKills(input: {
  seed: number;
  devices: number;
  workerKills: number;
  serverKills: number;
  together: boolean;
  /** `last-device`: every kill once all devices but the held one have closed (no randomness). */
  at: KillPoint;
}): PlannedKill[] {
  const { workerKills, serverKills, together } = input;
  const random = new Random(input.seed ^ 0x5eed);
  // The run holds one device until the last kill, so the migration gets this far and no further.
  const reachable = progressOf(input.devices, input.devices, input.devices - 1);
  const at = (from: number, to: number) =>
    input.at === 'last-device' ? reachable : (from + random.next() * (to - from)) * reachable;
  const paired = together ? Math.min(workerKills, serverKills) : 0;
  const kills: PlannedKill[] = [
    ...Array.from({ length: workerKills - paired }, () => ({
      target: 'worker' as const,
      atProgress: at(0.05, 0.85),
    })),
    ...Array.from({ length: serverKills }, (_, i) => ({
      target: i < paired ? ('both' as const) : ('server' as const),
      atProgress: at(0.15, 0.75),
    })),
  ];
  return kills.sort((a, b) => a.atProgress - b.atProgress);
}

/**
 * How far a migration of `total` devices has come: half for the devices started, half for those
 * closed (0 before the first starts, 1 when every device has closed).
 */
export function progressOf(total: number, started: number, closed: number): number {
  return (started + closed) / (2 * total);
}
