/**
 * Apple Business Manager simulator: a loopback server with the token endpoint (ES256 client assertion
 * verified against `publicKeyPem`) and the `/v1/...` calls Ferry's client makes, in Apple's JSON:API
 * shapes, with activities that complete after `assignDelayMs` and Apple's known quirk: serials in
 * `leaveUnassigned` are reported COMPLETED but not moved. Activities settle lazily (on the next API call
 * or simulator read after `assignDelayMs`), and `onActivityCompleted` then lets another simulator react,
 * e.g. a device that starts its MDM migration once ABM has recorded the deadline. Apple's observed rate
 * limits are on unless turned off, and `quirks` names what no source settles (README.md).
 *
 *   const sim = await startAppleBusinessManagerSimulator({ publicKeyPem, clientId, devices, servers });
 *   new AppleBusinessManagerClient({ apiBaseUrl: sim.url, tokenUrl: sim.tokenUrl, clientId, keyId, privateKeyPem });
 *   sim.assignedServer('F2LXK0ABCD12');
 *   await sim.close();
 */
import crypto from 'node:crypto';
import { FaultInjector, type FaultConfig } from '../../shared/simulator/faults';
import { DEFAULT_QUIRKS, type AbmRateLimits, type AbmSimulatorQuirks } from './quirks';
import { startServer, TOKEN_PATH } from './server';
import {
  SimAbmState,
  type SimAbmActivity,
  type SimAbmDevice,
  type SimAbmDeviceSeed,
  type SimAbmServerSeed,
} from './state';

export interface AppleBusinessManagerSimulatorOptions {
  /** Public half of the client's EC P-256 key (SPKI PEM). */
  publicKeyPem: string;
  clientId: string;
  devices: SimAbmDeviceSeed[];
  servers: SimAbmServerSeed[];
  /** Time an activity stays IN_PROGRESS; default 0 (completes on the next request). */
  assignDelayMs?: number;
  /** Serials an activity reports COMPLETED for without moving them. */
  leaveUnassigned?: string[];
  /** Called once per activity as it settles; `movedSerials` leaves out the serials it did not move. */
  onActivityCompleted?: (activity: SimAbmActivity, movedSerials: string[]) => void;
  /** Default Apple's observed 20 GETs a minute and 10 POSTs an hour (429 + Retry-After); `false`: none. */
  rateLimit?: AbmRateLimits | false;
  /** Behaviours no public source settles; each defaults as DEFAULT_QUIRKS says (see README.md). */
  quirks?: Partial<AbmSimulatorQuirks>;
  /** Faults on `/v1/...` requests (default none); `setFaults` or `POST /_sim/faults` change them. */
  faults?: Partial<FaultConfig>;
  /** Access token lifetime; default 3600 s. */
  tokenTtlSeconds?: number;
  port?: number;
  clock?: () => number;
}

export interface AppleBusinessManagerSimulator {
  /** API base URL (the client appends /v1/...). */
  url: string;
  tokenUrl: string;
  /** The server a device is assigned to now (after due activities settle). */
  assignedServer(serial: string): string | undefined;
  activities(): SimAbmActivity[];
  /** A device as `GET /v1/orgDevices/{id}` shows it (after due activities settle). */
  device(serial: string): SimAbmDevice | undefined;
  /** Every `/v1/...` request received so far, in order (to count calls against Apple's rate limits). */
  apiRequests(): { method: string; path: string }[];
  /** Switches the "COMPLETED but not moved" fault for activities that settle from now on. */
  setLeaveUnassigned(serials: string[]): void;
  /** `/v1/...` requests answered 429 so far (Apple's rate limits). */
  rateLimitedRequests(): number;
  /** Requests made to the token endpoint so far (accepted or not). */
  tokenRequests(): number;
  /** Forgets every access token (the next API call gets a 401). */
  revokeTokens(): void;
  corruptNextResponse(): void;
  setFaults(patch: Partial<FaultConfig>): FaultConfig;
  close(): Promise<void>;
}

export async function startAppleBusinessManagerSimulator(
  options: AppleBusinessManagerSimulatorOptions,
): Promise<AppleBusinessManagerSimulator> {
  const state = new SimAbmState({
    devices: options.devices,
    servers: options.servers,
    assignDelayMs: options.assignDelayMs ?? 0,
    leaveUnassigned: options.leaveUnassigned ?? [],
    clock: options.clock ?? Date.now,
    onActivityCompleted: options.onActivityCompleted,
  });
  const faults = new FaultInjector(options.faults);
  const server = await startServer({
    state,
    clientId: options.clientId,
    publicKey: crypto.createPublicKey(options.publicKeyPem),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    rateLimit: options.rateLimit,
    quirks: { ...DEFAULT_QUIRKS, ...options.quirks },
    faults,
    port: options.port,
  });
  return {
    url: server.url,
    tokenUrl: `${server.url}${TOKEN_PATH}`,
    assignedServer: (serial) => {
      state.settle();
      return state.devices.get(serial)?.assignedServerId;
    },
    activities: () => {
      state.settle();
      return [...state.activities.values()].map((a) => ({ ...a, serials: [...a.serials] }));
    },
    device: (serial) => {
      state.settle();
      const device = state.devices.get(serial);
      return device && { ...device };
    },
    apiRequests: () => state.apiRequests.map((r) => ({ ...r })),
    setLeaveUnassigned: (serials) => state.setLeaveUnassigned(serials),
    rateLimitedRequests: () => state.rateLimited,
    tokenRequests: () => state.tokenRequests,
    revokeTokens: () => state.tokens.revokeAll(),
    corruptNextResponse: () => server.corruptNextResponse(),
    setFaults: (patch) => faults.update(patch),
    close: () => server.close(),
  };
}

export { APPLE_OBSERVED_RATE_LIMITS, DEFAULT_QUIRKS } from './quirks';
export type { AbmRateLimits, AbmSimulatorQuirks } from './quirks';
export type {
  MdmMigrationStatus,
  SimAbmActivity,
  SimAbmDevice,
  SimAbmDeviceSeed,
  SimAbmServerSeed,
} from './state';
