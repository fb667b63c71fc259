import { z } from 'zod';
import { ABM_TARGET_SERVER } from '../src/demo/simulated-abm';
import { SOURCE_TENANT, TARGET_TENANT } from '../src/demo/world';
import { adminCall, type SimulatorsInfo } from './simulators-process';

const tokensSchema = z.array(
  z.object({
    serialNumber: z.string(),
    value: z.string(),
    deletedAt: z.string().nullable(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
  }),
);
const ledgerSchema = z.array(z.object({ kind: z.string(), serialNumber: z.string().optional() }));
const intuneActionsSchema = z.array(z.object({ serialNumber: z.string(), action: z.string() }));
const abmActivitiesSchema = z.array(
  z.object({ activityType: z.string(), mdmServerId: z.string().optional(), serials: z.array(z.string()) }),
);

/** What the simulators recorded of the migration, per device (serials upper-cased). */
export interface Ledgers {
  /** Registration token values the target issued (secrets: the scans look for them). */
  tokenValues: string[];
  tokensIssued: number;
  /** Devices with more than one token left standing: not deleted, not expired (used or not). */
  duplicateTokens: string[];
  /** Retire / wipe commands the source received, per device. */
  sourceCommands: Map<string, number>;
  /** ABM assignments to the target's server naming the device. */
  abmAssignments: Map<string, number>;
}

function countBy(serials: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of serials) counts.set(s.toUpperCase(), (counts.get(s.toUpperCase()) ?? 0) + 1);
  return counts;
}

export async function readLedgers(sims: SimulatorsInfo): Promise<Ledgers> {
  const now = Date.now();
  const tokens = tokensSchema.parse(await adminCall(`${sims.admin.ws1}/tenants/${TARGET_TENANT}/tokens`));
  const standing = tokens.filter((t) => t.deletedAt === null && Date.parse(t.expiresAt) > now);
  const duplicateTokens = [...countBy(standing.map((t) => t.serialNumber))]
    .filter(([, n]) => n > 1)
    .map(([serial]) => serial);

  let sourceCommands: Map<string, number>;
  if (sims.admin.intune) {
    const actions = intuneActionsSchema.parse(await adminCall(`${sims.admin.intune}/actions`));
    sourceCommands = countBy(actions.map((a) => a.serialNumber));
  } else {
    const ledger = ledgerSchema.parse(await adminCall(`${sims.admin.ws1}/ledger?tenant=${SOURCE_TENANT}`));
    const commands = ledger.filter((e) => e.kind.startsWith('command.') && e.serialNumber !== undefined);
    sourceCommands = countBy(commands.map((e) => e.serialNumber!));
  }

  const activities = abmActivitiesSchema.parse(await adminCall(`${sims.admin.abm}/activities`));
  const assignments = activities.filter(
    (a) => a.activityType.startsWith('ASSIGN_DEVICES') && a.mdmServerId === ABM_TARGET_SERVER.id,
  );
  return {
    tokenValues: tokens.map((t) => t.value),
    tokensIssued: tokens.length,
    duplicateTokens,
    sourceCommands,
    abmAssignments: countBy(assignments.flatMap((a) => a.serials)),
  };
}

/** Devices sent a retire/wipe, or an ABM assignment, more than once. */
export function duplicateCommandsOf(ledgers: Ledgers): { serial: string; what: string; times: number }[] {
  const twice = (counts: Map<string, number>, what: string) =>
    [...counts].filter(([, n]) => n > 1).map(([serial, times]) => ({ serial, what, times }));
  return [
    ...twice(ledgers.sourceCommands, 'retire/wipe'),
    ...twice(ledgers.abmAssignments, 'ABM assignment'),
  ];
}
