import crypto from 'node:crypto';
import path from 'node:path';
import { deviceListCsv } from '../client/source-inventory';
import { ensurePrivateDir, writePrivateFile } from '../services/shared/private-files';
import { ABM_SOURCE_SERVER, ABM_TARGET_SERVER, DEMO_ABM_RATE_LIMITS } from '../demo/simulated-abm';
import { SOURCE_TENANT, TARGET_TENANT, startSimulatedServices, type SimulatedServices } from '../demo/world';
import type { SimulatedSource } from './args';
import { chaosFaults } from './faults';
import { startSimulatedIntune, type SimulatedIntune } from './simulated-intune';

/** The simulated devices' pace: the demo's (a wipe takes effect in 0.5 s, a device enrolls 1.5 s later). */
const BEHAVIOUR = { commandDelayMs: 500, enrollDelayMs: 1_500 };

export interface SimulatorsOptions {
  devices: number;
  source: SimulatedSource;
  faults: boolean;
  /** Zero delays everywhere and no ABM rate limits (`--instant`, the benchmark's setting). */
  instant?: boolean;
  /** Every device an ADE iPhone (`--ade-only`). */
  adeOnly?: boolean;
  seed: number;
  stateDir: string;
}

/** Where each simulator's `/_sim/` admin routes are (loopback, no auth). */
export interface SimulatorAdminUrls {
  ws1: string;
  abm: string;
  intune?: string;
}

export interface RunningSimulators {
  /** What a worker and the CLI need, every key one loadConfig reads (secrets included). */
  env: Record<string, string>;
  deviceList: string;
  abmPrivateKey: string;
  admin: SimulatorAdminUrls;
  close(): Promise<void>;
}

/** A secret made for this run only, so a scan can tell it from anything else in a log. */
const secret = () => crypto.randomBytes(24).toString('base64url');

/**
 * The three simulators of `npm run simulators`, seeded with a generated mixed fleet (every target user
 * present), each with credentials made for this run; the device list and the ABM key written into
 * `stateDir`. With `faults`, the chaos mix on every simulator from the start.
 */
export async function startSimulators(options: SimulatorsOptions): Promise<RunningSimulators> {
  const faults = options.faults ? chaosFaults(options.seed) : undefined;
  const behaviour = options.instant ? { commandDelayMs: 0, enrollDelayMs: 0 } : BEHAVIOUR;
  const abmPace = options.instant
    ? { assignDelayMs: 0, rateLimit: false as const }
    : { assignDelayMs: 1_000, rateLimit: DEMO_ABM_RATE_LIMITS };
  const services: SimulatedServices = await startSimulatedServices(
    {
      devices: options.devices,
      seed: options.seed,
      missingTargetUserShare: 0,
      ...(options.adeOnly && { iosShare: 1, adeShare: 1 }),
    },
    {
      behaviour,
      faults,
      abm: { ...abmPace, faults },
    },
  );
  let intune: SimulatedIntune | undefined;
  try {
    if (options.source === 'intune') {
      intune = await startSimulatedIntune(services.sim, SOURCE_TENANT, services.fleet.devices, {
        actionDelayMs: behaviour.commandDelayMs,
        faults,
      });
    }
  } catch (err) {
    await services.close();
    throw err;
  }
  const { sim, fleet } = services;
  const abm = services.abm!;
  const close = async () => {
    await Promise.all([services.close(), intune?.sim.close()]);
  };

  // This run's API accounts, replacing the simulator's well-known default: the target by OAuth, the
  // source by Basic authentication.
  const target = { clientId: `ferry-target-${crypto.randomUUID()}`, clientSecret: secret() };
  sim.tenant(TARGET_TENANT).basicUsers = [];
  sim.tenant(TARGET_TENANT).oauthClients = [target];
  const source = { username: 'ferry-source-api', password: secret() };
  sim.tenant(SOURCE_TENANT).basicUsers = [source];
  sim.tenant(SOURCE_TENANT).oauthClients = [];

  // Owner-only: the list holds users' emails, the key is a credential.
  await ensurePrivateDir(options.stateDir);
  const deviceList = path.join(options.stateDir, 'devices.csv');
  const abmPrivateKey = path.join(options.stateDir, 'abm-private-key.pem');
  const devices = services.devices.map((d) =>
    intune ? { ...d, sourceDeviceId: intune.recordIdOf.get(d.serialNumber) } : d,
  );
  await writePrivateFile(deviceList, deviceListCsv(devices));
  await writePrivateFile(abmPrivateKey, abm.credentials.privateKeyPem);

  const env: Record<string, string> = {
    WS1_TARGET_BASE_URL: sim.url,
    WS1_TARGET_TENANT_CODE: TARGET_TENANT,
    WS1_TARGET_GROUP_ID: fleet.targetOrganizationGroup,
    WS1_TARGET_OAUTH_TOKEN_URL: `${sim.url}/connect/token`,
    WS1_TARGET_OAUTH_CLIENT_ID: target.clientId,
    WS1_TARGET_OAUTH_CLIENT_SECRET: target.clientSecret,
    ...(intune
      ? {
          INTUNE_TENANT_ID: intune.credentials.tenantId,
          INTUNE_CLIENT_ID: intune.credentials.clientId,
          INTUNE_CLIENT_SECRET: intune.credentials.clientSecret,
          INTUNE_GRAPH_BASE_URL: intune.sim.url,
          INTUNE_TOKEN_URL: intune.sim.tokenUrl,
        }
      : {
          WS1_SOURCE_BASE_URL: sim.url,
          WS1_SOURCE_TENANT_CODE: SOURCE_TENANT,
          WS1_SOURCE_GROUP_ID: fleet.sourceOrganizationGroup,
          WS1_SOURCE_USERNAME: source.username,
          WS1_SOURCE_PASSWORD: source.password,
        }),
    ABM_CLIENT_ID: abm.credentials.clientId,
    ABM_KEY_ID: abm.credentials.keyId,
    ABM_PRIVATE_KEY_PATH: abmPrivateKey,
    ABM_TARGET_SERVER_ID: ABM_TARGET_SERVER.id,
    ABM_SOURCE_SERVER_ID: ABM_SOURCE_SERVER.id,
    ABM_API_BASE_URL: abm.sim.url,
    ABM_TOKEN_URL: abm.sim.tokenUrl,
  };
  const admin: SimulatorAdminUrls = {
    ws1: `${sim.url}/_sim`,
    abm: `${new URL(abm.sim.url).origin}/_sim`,
    ...(intune ? { intune: `${new URL(intune.sim.url).origin}/_sim` } : {}),
  };
  return { env, deviceList, abmPrivateKey, admin, close };
}
