import crypto from 'node:crypto';
import axios from 'axios';
import {
  AppleBusinessManagerClient,
  CLIENT_ASSERTION_TYPE,
  createClientAssertion,
  type AppleBusinessManagerClientOptions,
} from '../../src/services/abm';
import {
  startAppleBusinessManagerSimulator,
  type AppleBusinessManagerSimulator,
  type AppleBusinessManagerSimulatorOptions,
} from '../../src/services/abm/simulator';

export const CLIENT_ID = 'BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152';
export const KEY_ID = 'd136aa66-0c3b-4bd4-9892-c20e8db024ab';
export const OLD_SERVER = 'OLDMDM0000000000000000000000000A';
export const NEW_SERVER = 'NEWMDM0000000000000000000000000B';

export function keyPair(format: 'sec1' | 'pkcs8' = 'sec1') {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ type: format, format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const serials = (n: number) =>
  Array.from({ length: n }, (_, i) => `F2LX${String(i).padStart(8, '0')}`);

export interface Env {
  sim: AppleBusinessManagerSimulator;
  client: AppleBusinessManagerClient;
  privateKeyPem: string;
}

/** A simulator with `deviceCount` devices on OLD_SERVER, and a client pointed at it. */
export async function startEnv(
  sim: Partial<AppleBusinessManagerSimulatorOptions> & { deviceCount?: number } = {},
  client: Partial<AppleBusinessManagerClientOptions> = {},
): Promise<Env> {
  const keys = keyPair();
  const simulator = await startAppleBusinessManagerSimulator({
    publicKeyPem: keys.publicKeyPem,
    clientId: CLIENT_ID,
    devices: serials(sim.deviceCount ?? 3).map((serial) => ({ serial, assignedServerId: OLD_SERVER })),
    servers: [
      { id: OLD_SERVER, name: 'Old MDM' },
      { id: NEW_SERVER, name: 'Workspace ONE' },
    ],
    ...sim,
  });
  const abm = new AppleBusinessManagerClient({
    apiBaseUrl: simulator.url,
    tokenUrl: simulator.tokenUrl,
    clientId: CLIENT_ID,
    keyId: KEY_ID,
    privateKeyPem: keys.privateKeyPem,
    timeoutMs: 5_000,
    ...client,
  });
  return { sim: simulator, client: abm, privateKeyPem: keys.privateKeyPem };
}

/** An `Authorization` header minted by hand, for raw requests that show the simulator's exact bodies. */
export async function bearer(env: Env): Promise<string> {
  const assertion = createClientAssertion({
    clientId: CLIENT_ID,
    keyId: KEY_ID,
    privateKey: crypto.createPrivateKey(env.privateKeyPem),
    includeKid: true,
    nowMs: Date.now(),
  });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
    scope: 'business.api',
  });
  const response = await axios.post<{ access_token: string }>(env.sim.tokenUrl, form.toString(), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return `Bearer ${response.data.access_token}`;
}

export { rejectionOf as failure } from '../helpers/rejection';
