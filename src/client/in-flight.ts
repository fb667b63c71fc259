import { ABM_BULK_WAITING } from '../workflows/device/messages';
import type { AbmBulkProgress } from '../workflows/fleet/messages';

/**
 * What holds a migration's rollout slots, from the status and sub-status of its open device workflows
 * (visibility). A failed device waits for an admin's retry and holds no slot; every other open device
 * does, whatever it waits for (see docs/device-lifecycle.md).
 */

/** In the order `ferry status` prints them: the long waits first. */
export const SLOT_GROUPS = [
  'waiting for users',
  'waiting for ABM',
  'waiting for ADE sync',
  'waiting for removal confirmation',
  'in progress',
] as const;
export type SlotGroup = (typeof SLOT_GROUPS)[number];

interface OpenDevice {
  status: string;
  subStatus?: string;
  running: boolean;
}

/** The group of an open device; 'failed' holds no slot. Sub-statuses are the device workflow's own words. */
export function slotGroupOf(device: Pick<OpenDevice, 'status' | 'subStatus'>): SlotGroup | 'failed' {
  const sub = device.subStatus ?? '';
  switch (device.status) {
    case 'failed':
      return 'failed';
    case 'abm_reassignment_pending':
      return 'waiting for ABM';
    case 'ade_sync':
      return sub.startsWith('waiting') ? 'waiting for ADE sync' : 'in progress';
    case 'unenrolling':
      // A manual source waits for the user; a retire or wipe sent waits for the source to confirm it.
      return sub.startsWith('waiting for the user')
        ? 'waiting for users'
        : 'waiting for removal confirmation';
    case 'reenrolling':
      // A token or an ABM deadline: the user (or the device itself) enrolls, possibly days later.
      return sub.startsWith('enrolled with the staging user') ? 'in progress' : 'waiting for users';
    default:
      return 'in progress';
  }
}

export interface InFlight {
  /** Open devices that hold a slot. */
  holdingSlots: number;
  /** The migration's concurrency, when its fleet workflow's input could be read. */
  concurrency?: number;
  /** Non-zero groups, in SLOT_GROUPS order. */
  groups: Partial<Record<SlotGroup, number>>;
  /** Open failed devices: they wait (up to failedRetention) for an admin's retry or cancel. */
  failedWaitingForAdmin: number;
  /** Open devices waiting for the bulk ABM assignment while it waits for an admin (approval or a fix). */
  waitingForAbmApproval: number;
}

/** The bulk ABM assignment waits for an admin: not approved yet, or stopped on an error (approve again). */
export function bulkAbmBlocked(abm: AbmBulkProgress): boolean {
  return !abm.approved || abm.error !== undefined;
}

export function inFlight(devices: OpenDevice[], concurrency?: number, abm?: AbmBulkProgress): InFlight {
  const counts = new Map<SlotGroup, number>();
  let failed = 0;
  let abmBlocked = 0;
  const bulkBlocked = abm !== undefined && bulkAbmBlocked(abm);
  for (const d of devices.filter((x) => x.running)) {
    const group = slotGroupOf(d);
    if (group === 'failed') {
      failed++;
      continue;
    }
    counts.set(group, (counts.get(group) ?? 0) + 1);
    if (bulkBlocked && d.subStatus === ABM_BULK_WAITING) abmBlocked++;
  }
  const groups: Partial<Record<SlotGroup, number>> = {};
  for (const g of SLOT_GROUPS) if (counts.get(g)) groups[g] = counts.get(g);
  return {
    holdingSlots: [...counts.values()].reduce((a, b) => a + b, 0),
    ...(concurrency !== undefined ? { concurrency } : {}),
    groups,
    failedWaitingForAdmin: failed,
    waitingForAbmApproval: abmBlocked,
  };
}

/** "12 in flight of 50: 7 waiting for users, 3 in progress; 5 failed waiting for an admin (not holding slots)" */
export function inFlightText(f: InFlight): string {
  const of = f.concurrency !== undefined ? ` of ${f.concurrency}` : '';
  const groups = Object.entries(f.groups).map(([g, n]) => `${n} ${g}`);
  const failed =
    f.failedWaitingForAdmin > 0
      ? `; ${f.failedWaitingForAdmin} failed waiting for an admin (not holding slots)`
      : '';
  return `${f.holdingSlots} in flight${of}${groups.length > 0 ? `: ${groups.join(', ')}` : ''}${failed}`;
}
