import crypto from 'node:crypto';
import {
  startIntuneSimulator,
  type IntuneSimulator,
  type SimIntuneDeviceSeed,
} from '../services/intune/simulator';
import type { FaultConfig, FleetDevice, WorkspaceOneSimulator } from '../services/workspace-one/simulator';

/** What Ferry's worker and CLI are configured with to reach the simulated Intune tenant. */
export interface IntuneCredentials {
  tenantId: string;
  clientId: string;
  /** A secret: only ever in the worker's environment. */
  clientSecret: string;
}

export interface SimulatedIntune {
  sim: IntuneSimulator;
  credentials: IntuneCredentials;
  /** The Intune record id of each serial: the device list's source_device_id. */
  recordIdOf: Map<string, string>;
}

/**
 * Graph's `deviceEnrollmentType` (beta's names) for a fleet row. `ferry inventory` reads a legacy
 * Android device (device administrator, personally owned) back as work_profile: both take the token
 * path, and Graph names no enrollment type for it.
 */
function enrollmentTypeOf(d: FleetDevice): { type: string; owner: 'company' | 'personal' } {
  if (d.platform === 'ios') {
    return { type: d.enrollment_kind === 'ade' ? 'appleBulkWithUser' : 'userEnrollment', owner: 'company' };
  }
  if (d.enrollment_kind === 'fully_managed')
    return { type: 'androidEnterpriseFullyManaged', owner: 'company' };
  if (d.enrollment_kind === 'work_profile') {
    return { type: 'androidEnterpriseCorporateWorkProfile', owner: 'company' };
  }
  return { type: 'unknown', owner: 'personal' };
}

/** A GUID-shaped record id derived from the serial, so the same fleet always has the same ids. */
function recordId(serial: string): string {
  const hex = crypto.createHash('sha256').update(`intune:${serial}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function seedOf(d: FleetDevice): SimIntuneDeviceSeed {
  const { type, owner } = enrollmentTypeOf(d);
  return {
    id: recordId(d.serial_number),
    serialNumber: d.serial_number,
    deviceName: d.friendly_name,
    userPrincipalName: d.user_email,
    emailAddress: d.user_email,
    operatingSystem: d.platform === 'ios' ? 'iOS' : 'Android',
    model: d.model,
    managedDeviceOwnerType: owner,
    deviceEnrollmentType: type,
    isSupervised: d.platform === 'ios' && d.enrollment_kind === 'ade',
    imei: d.imei ?? null,
    ...(d.udid ? { udid: d.udid } : {}),
  };
}

/**
 * Microsoft Intune as the fleet's source: every device of the fleet as a managed device, and Intune's
 * retire and wipe played on the Workspace ONE simulator's copy of the device in `mirrorTenant` (never
 * shown to Ferry), which then leaves and enrolls in the target exactly as a Workspace ONE source's
 * device does: a retire as an enterprise wipe, a wipe as a device wipe. `actionDelayMs` (the action
 * pending in Intune) should match the Workspace ONE simulator's `commandDelayMs`.
 */
export async function startSimulatedIntune(
  ws1: WorkspaceOneSimulator,
  mirrorTenant: string,
  devices: FleetDevice[],
  options: { actionDelayMs: number; faults?: Partial<FaultConfig> },
): Promise<SimulatedIntune> {
  const credentials: IntuneCredentials = {
    tenantId: crypto.randomUUID(),
    clientId: crypto.randomUUID(),
    clientSecret: crypto.randomBytes(24).toString('base64url'),
  };
  const seeds = devices.map(seedOf);
  const sim = await startIntuneSimulator({
    tenantId: credentials.tenantId,
    clients: [{ clientId: credentials.clientId, clientSecret: credentials.clientSecret }],
    devices: seeds,
    actionDelayMs: options.actionDelayMs,
    faults: options.faults,
    onAction: (action) =>
      ws1.receiveCommand(
        mirrorTenant,
        action.serialNumber,
        action.action === 'wipe' ? 'DeviceWipe' : 'EnterpriseWipe',
      ),
  });
  return { sim, credentials, recordIdOf: new Map(seeds.map((s) => [s.serialNumber, s.id])) };
}
