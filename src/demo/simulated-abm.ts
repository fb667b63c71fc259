import crypto from 'node:crypto';
import { AppleBusinessManagerClient } from '../services/abm';
import { AbmTargetServerCheck } from '../services/abm/gateway';
import {
  startAppleBusinessManagerSimulator,
  type AbmRateLimits,
  type AbmSimulatorQuirks,
  type AppleBusinessManagerSimulator,
  type SimAbmActivity,
} from '../services/abm/simulator';
import type { FaultConfig, FleetDevice, WorkspaceOneSimulator } from '../services/workspace-one/simulator';
import type { Logger } from '../logger';

/** The simulated ABM's MDM servers (ids in Apple's 32-hex-digit form), standing for the two tenants. */
export const ABM_SOURCE_SERVER = { id: '50C0E5E7A1B24C3D8E9F00112233A001', name: 'SOURCE-MDM' } as const;
export const ABM_TARGET_SERVER = { id: '7A26E7B4C5D64E7F8091A2B3C4D5B002', name: 'TARGET-MDM' } as const;

/**
 * The demo's ABM limits: Apple's observed 20 GETs a minute as they are, and 10 activity POSTs per hour
 * of the demo's clock. The demo spaces bulk assignments 2 s apart where a migration spaces them 10
 * minutes apart (DEFAULT_ABM_ASSIGN_INTERVAL), a clock 300 times faster: Apple's hour is its 12 s.
 */
export const DEMO_ABM_RATE_LIMITS = { getPerMinute: 20, postPerHour: 10, postWindowMs: 12_000 } as const;

/** The limits as the demo prints them. */
export function describeAbmRateLimits(limits: AbmRateLimits | false | undefined): string {
  if (limits === false) return 'ABM rate limits off';
  const gets = limits?.getPerMinute === undefined ? 20 : limits.getPerMinute;
  const posts = limits?.postPerHour === undefined ? 10 : limits.postPerHour;
  const hourMs = limits?.postWindowMs ?? 3_600_000;
  const hour = hourMs === 3_600_000 ? 'an hour' : `per ${hourMs / 1000} s (Apple's hour at the demo's pace)`;
  const get = gets === null ? 'GETs unlimited' : `${gets} GETs a minute`;
  const post = posts === null ? 'activity POSTs unlimited' : `${posts} activity POSTs ${hour}`;
  return `ABM rate limits: ${get}, ${post}, 429 + Retry-After beyond`;
}

/** A simulated Apple Business Manager next to the tenants (`true`: every default). */
export interface SimulatedAbmOptions {
  /** Time an ABM activity stays IN_PROGRESS; default 0. */
  assignDelayMs?: number;
  /** Serials ABM reports COMPLETED for without moving them. */
  leaveUnassigned?: string[];
  /** Default Apple's observed limits (20 GETs a minute, 10 POSTs an hour); `false` turns them off. */
  rateLimit?: AbmRateLimits | false;
  quirks?: Partial<AbmSimulatorQuirks>;
  /** Faults on ABM's `/v1/...` requests (malformed bodies on reads only); default none. */
  faults?: Partial<FaultConfig>;
}

/** What Ferry's worker is configured with to reach the simulated ABM (the key is a secret). */
export interface AbmCredentials {
  clientId: string;
  keyId: string;
  /** PKCS#8 PEM of the EC P-256 key whose public half the simulator checks assertions against. */
  privateKeyPem: string;
}

export interface SimulatedAbm {
  sim: AppleBusinessManagerSimulator;
  client: AppleBusinessManagerClient;
  credentials: AbmCredentials;
  sourceServerId: string;
  targetServerId: string;
  /** What the activities use; follows simulated activities every second (Apple's take minutes). */
  check: AbmTargetServerCheck;
  /** The rate limits in force, in words (the demo prints them). */
  rateLimits: string;
}

/**
 * ABM with the fleet's ADE iPhones on the source's MDM server, wired to the Workspace ONE simulator the
 * way Apple reaches the devices and the target's ADE token: a device joins the target's ADE device list
 * once an assignment to the target's server completes (and leaves it when moved away); a completed
 * assignment with a migration deadline to the target's server starts each moved device's migration; a
 * completed cancel of the migration (or unassignment, or move to another server) stops it if the device
 * has not left.
 */
export async function startSimulatedAbm(
  ws1: WorkspaceOneSimulator,
  tenants: { source: string; target: string },
  devices: FleetDevice[],
  options: SimulatedAbmOptions,
  logger?: Logger,
): Promise<SimulatedAbm> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const credentials: AbmCredentials = {
    clientId: `BUSINESSAPI.${crypto.randomUUID()}`,
    keyId: crypto.randomUUID(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const { clientId } = credentials;
  const ade = devices.filter((d) => d.platform === 'ios' && d.enrollment_kind === 'ade');
  const models = new Map(ade.map((d) => [d.serial_number, d.model || undefined]));
  // On the source's server in ABM, so the target has not synced them yet.
  for (const d of ade) ws1.syncAdeAssignment(tenants.target, { serialNumber: d.serial_number }, false);
  const onActivityCompleted = (activity: SimAbmActivity, moved: string[]) => {
    const type = activity.activityType;
    const reassigns = type !== 'CANCEL_MDM_MIGRATION';
    const toTarget = type !== 'UNASSIGN_DEVICES' && activity.mdmServerId === ABM_TARGET_SERVER.id;
    const migrates = toTarget && type === 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE';
    for (const serial of moved) {
      if (reassigns) {
        ws1.syncAdeAssignment(tenants.target, { serialNumber: serial, model: models.get(serial) }, toTarget);
      }
      if (migrates) ws1.startAbmMigration(tenants.source, serial);
      else if (!toTarget) ws1.cancelAbmMigration(tenants.source, serial);
    }
  };
  const sim = await startAppleBusinessManagerSimulator({
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    clientId,
    devices: ade.map((d) => ({
      serial: d.serial_number,
      assignedServerId: ABM_SOURCE_SERVER.id,
      productFamily: /ipad/i.test(d.model) ? 'iPad' : 'iPhone',
      deviceModel: d.model || undefined,
    })),
    servers: [ABM_SOURCE_SERVER, ABM_TARGET_SERVER],
    assignDelayMs: options.assignDelayMs,
    leaveUnassigned: options.leaveUnassigned,
    rateLimit: options.rateLimit,
    quirks: options.quirks,
    faults: options.faults,
    onActivityCompleted,
  });
  const close = sim.close;
  sim.close = async () => {
    // What the run cost against Apple's limits, for the worker log.
    const requests = sim.apiRequests();
    const gets = requests.filter((r) => r.method === 'GET').length;
    const counts = { gets, posts: requests.length - gets, rateLimited: sim.rateLimitedRequests() };
    logger?.info({ ...counts, tokenRequests: sim.tokenRequests() }, 'simulated ABM requests');
    await close();
  };
  const client = new AppleBusinessManagerClient(
    {
      apiBaseUrl: sim.url,
      tokenUrl: sim.tokenUrl,
      ...credentials,
      timeoutMs: 5_000,
    },
    logger,
  );
  return {
    sim,
    client,
    credentials,
    sourceServerId: ABM_SOURCE_SERVER.id,
    targetServerId: ABM_TARGET_SERVER.id,
    rateLimits: describeAbmRateLimits(options.rateLimit),
    check: new AbmTargetServerCheck(client, {
      targetServerId: ABM_TARGET_SERVER.id,
      sourceServerId: ABM_SOURCE_SERVER.id,
      // Every 100 ms would be 600 GETs a minute against Apple's 20.
      activityPollMs: 1_000,
    }),
  };
}
