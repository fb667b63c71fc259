import { IntuneClient, type IntuneClientOptions } from '../../src/services/intune';
import {
  startIntuneSimulator,
  type IntuneSimulator,
  type IntuneSimulatorOptions,
  type SimIntuneDeviceSeed,
} from '../../src/services/intune/simulator';

export const TENANT_ID = '4f1c2a9e-8d33-4b7a-9c61-0f5e2d7a1b10';
export const CLIENT_ID = 'a2b7e0c1-5d4f-4e3a-8b9c-6d7e8f901234';
export const CLIENT_SECRET = 'Xq8~s3cr3t-value-never-logged.AbCdEf';

export const iphone = (i: number, extra: Partial<SimIntuneDeviceSeed> = {}): SimIntuneDeviceSeed => ({
  id: `dev-${String(i).padStart(4, '0')}`,
  serialNumber: `F2LX${String(i).padStart(8, '0')}`,
  deviceName: `user${i}-iPhone`,
  userPrincipalName: `user${i}@corp.example`,
  emailAddress: `user.${i}@corp.example`,
  operatingSystem: 'iOS',
  model: 'iPhone 13',
  managedDeviceOwnerType: 'company',
  deviceEnrollmentType: 'appleBulkWithUser',
  isSupervised: true,
  imei: '356789012345678',
  ...extra,
});

export interface Env {
  sim: IntuneSimulator;
  client: IntuneClient;
}

export async function startEnv(
  sim: Partial<IntuneSimulatorOptions> & { deviceCount?: number } = {},
  client: Partial<IntuneClientOptions> = {},
): Promise<Env> {
  const { deviceCount = 3, ...simOptions } = sim;
  const simulator = await startIntuneSimulator({
    tenantId: TENANT_ID,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    devices: Array.from({ length: deviceCount }, (_, i) => iphone(i)),
    ...simOptions,
  });
  return {
    sim: simulator,
    client: new IntuneClient({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      graphBaseUrl: simulator.url,
      tokenUrl: simulator.tokenUrl,
      timeoutMs: 5_000,
      ...client,
    }),
  };
}

export { rejectionOf } from '../helpers/rejection';
