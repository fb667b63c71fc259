/**
 * Microsoft Intune (Graph v1.0 and beta) simulator: a loopback server with the tenant's token endpoint
 * (client secret), managedDevices paged with `$top` / `$skiptoken` / `@odata.nextLink` and
 * `$filter=field eq '…'` (some fields' filters ignored, see `quirks`), GET by id with
 * `deviceActionResults`, and `retire` / `wipe` (204, `pending` → `done` after `actionDelayMs`, then the
 * device leaves the list). The settings are in README.md.
 *
 *   const sim = await startIntuneSimulator({ tenantId, clients: [{ clientId, clientSecret }], devices });
 *   new IntuneClient({ tenantId, clientId, clientSecret, graphBaseUrl: sim.url, tokenUrl: sim.tokenUrl });
 *   sim.actions();
 *   await sim.close();
 */
import { FaultInjector, type FaultConfig } from '../../shared/simulator/faults';
import { startServer } from './server';
import {
  DEFAULT_QUIRKS,
  SimIntuneState,
  type SimIntuneAction,
  type SimIntuneDeviceSeed,
  type SimIntuneQuirks,
} from './state';

export interface IntuneSimulatorOptions {
  tenantId: string;
  clients: { clientId: string; clientSecret: string }[];
  devices: SimIntuneDeviceSeed[];
  /** Page size when the request has no `$top`; default 100. */
  pageSize?: number;
  /** Time a retire / wipe stays `pending`; default 0 (done on the next request). */
  actionDelayMs?: number;
  /** Over this many API requests (token requests excluded) per window: 429 + Retry-After. */
  rateLimit?: { perWindow: number; windowMs: number };
  /** Access token lifetime; default 3599 s. */
  tokenTtlSeconds?: number;
  /** Behaviours no public source settles; each defaults to DEFAULT_QUIRKS (README.md). */
  quirks?: Partial<SimIntuneQuirks>;
  /** Faults on Graph requests (default none); `setFaults` or `POST /_sim/faults` change them. */
  faults?: Partial<FaultConfig>;
  /** Called once per retire / wipe received, e.g. to play the device leaving in another simulator. */
  onAction?: (action: SimIntuneAction) => void;
  port?: number;
  clock?: () => number;
}

export interface IntuneSimulator {
  /** Graph base URL, ending in /v1.0 (pass as `graphBaseUrl`). */
  url: string;
  /** The same server's Graph beta, ending in /beta (the client derives it from `url`). */
  betaUrl: string;
  tokenUrl: string;
  /** The device as GET by id returns it now, or undefined once it has left Intune. */
  device(id: string): Record<string, unknown> | undefined;
  /** Every retire / wipe received, in order. */
  actions(): SimIntuneAction[];
  tokenRequests(): number;
  /** Forgets every access token (the next API call gets a 401). */
  revokeTokens(): void;
  /** Replaces the body of the next 200 API response with a malformed one. */
  corruptNextResponse(): void;
  setFaults(patch: Partial<FaultConfig>): FaultConfig;
  close(): Promise<void>;
}

export async function startIntuneSimulator(options: IntuneSimulatorOptions): Promise<IntuneSimulator> {
  const quirks = { ...DEFAULT_QUIRKS, ...options.quirks };
  const clock = options.clock ?? Date.now;
  const state = new SimIntuneState(options.devices, options.actionDelayMs ?? 0, clock, quirks);
  state.onAction = options.onAction;
  const faults = new FaultInjector(options.faults);
  const server = await startServer({
    state,
    quirks,
    faults,
    tenantId: options.tenantId,
    clients: options.clients,
    pageSize: options.pageSize ?? 100,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3599,
    rateLimit: options.rateLimit,
    port: options.port,
  });
  return {
    url: `${server.origin}/v1.0`,
    betaUrl: `${server.origin}/beta`,
    tokenUrl: `${server.origin}/${options.tenantId}/oauth2/v2.0/token`,
    device: (id) => {
      const device = state.find(id);
      return device ? SimIntuneState.view(device, true) : undefined;
    },
    actions: () => state.actions.map((a) => ({ ...a })),
    tokenRequests: () => state.tokenRequests,
    revokeTokens: () => state.tokens.revokeAll(),
    corruptNextResponse: () => server.corruptNextResponse(),
    setFaults: (patch) => faults.update(patch),
    close: () => server.close(),
  };
}

export { DEFAULT_QUIRKS } from './state';
export type { SimActionResult, SimIntuneAction, SimIntuneDeviceSeed, SimIntuneQuirks } from './state';
