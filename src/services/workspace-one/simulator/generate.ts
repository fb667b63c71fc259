/**
 * Deterministic fleet generator: N devices enrolled in a source tenant, their users in a target tenant
 * (optionally with some missing), an ADE profile and ADE device records for the ADE-bound iPhones, and
 * the matching Ferry device list. The same options always give the same fleet.
 */
import { Random } from '../../shared/simulator/random';
import type { SimSeed } from './seed';

export interface FleetOptions {
  devices: number;
  seed?: number;
  sourceTenant?: string;
  targetTenant?: string;
  domain?: string;
  /** Share of iOS devices (the rest are Android); default 0.6. */
  iosShare?: number;
  /** Share of iOS devices bound to ADE; default 0.5. */
  adeShare?: number;
  /** Share of users absent from the target (to exercise "Target user not found"); default 0. */
  missingTargetUserShare?: number;
  tokenLifetimeMs?: number;
}

/** One row of Ferry's device list file (SPEC §1 names). */
export interface FleetDevice {
  serial_number: string;
  platform: 'ios' | 'android';
  /** `unknown`: an Android device whose kind nobody declared (a real inventory's, in a rehearsal). */
  enrollment_kind: 'ade' | 'standard' | 'legacy' | 'work_profile' | 'fully_managed' | 'unknown';
  user_email: string;
  udid?: string;
  imei?: string;
  model: string;
  friendly_name: string;
}

export interface GeneratedFleet {
  seed: SimSeed;
  devices: FleetDevice[];
  sourceOrganizationGroup: string;
  targetOrganizationGroup: string;
}

const FIRST = ['ada', 'ben', 'chloe', 'dev', 'ema', 'farid', 'grace', 'hugo', 'ines', 'jon', 'kai', 'lena'];
const LAST = ['ng', 'okafor', 'petrov', 'quinn', 'rossi', 'sato', 'tran', 'underwood', 'varga', 'weber'];
const IOS_MODELS = ['iPhone 13', 'iPhone 14', 'iPhone 15', 'iPad Air'];
const ANDROID_MODELS = ['Pixel 7', 'Pixel 8', 'Galaxy S23', 'Galaxy Tab S9'];
const ANDROID_KINDS = ['legacy', 'work_profile', 'fully_managed'] as const;

export function generateFleet(options: FleetOptions): GeneratedFleet {
  const r = new Random(options.seed ?? 42);
  const source = options.sourceTenant ?? 'SOURCE';
  const target = options.targetTenant ?? 'TARGET';
  const domain = options.domain ?? 'corp.example';
  const devices: FleetDevice[] = [];
  const serials = new Set<string>();

  for (let i = 0; i < options.devices; i++) {
    const ios = r.chance(options.iosShare ?? 0.6);
    let serial: string;
    do serial = (ios ? 'F' : 'R') + r.string(11, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789');
    while (serials.has(serial));
    serials.add(serial);
    const email = `${r.pick(FIRST)}.${r.pick(LAST)}${i + 1}@${domain}`;
    const model = r.pick(ios ? IOS_MODELS : ANDROID_MODELS);
    devices.push({
      serial_number: serial,
      platform: ios ? 'ios' : 'android',
      enrollment_kind: ios ? (r.chance(options.adeShare ?? 0.5) ? 'ade' : 'standard') : r.pick(ANDROID_KINDS),
      user_email: email,
      udid: ios ? r.string(40, '0123456789abcdef') : undefined,
      imei: ios
        ? undefined
        : withCheckDigit(String(r.int(350000000, 359999999)) + String(r.int(10000, 99999))),
      model,
      friendly_name: `${email.split('@')[0]} ${model}`,
    });
  }

  const missing = options.missingTargetUserShare ?? 0;
  const targetUsers = devices.filter(() => !r.chance(missing)).map((d) => ({ email: d.user_email }));
  const enterpriseId = `LC0${r.string(8)}`;
  return fleetSeed(devices, targetUsers, {
    source,
    target,
    tokenLifetimeMs: options.tokenLifetimeMs,
    enterpriseId,
  });
}

/**
 * The simulator seed for a fleet: its devices enrolled in the source tenant, the given users, an ADE
 * profile and the ADE devices in the target, which is registered with Android Enterprise. Used for
 * generated fleets and for rehearsals with a real inventory export (`npm run demo -- --fleet FILE`).
 */
export function fleetSeed(
  devices: FleetDevice[],
  targetUsers: { email: string; username?: string; displayName?: string }[],
  options: { source?: string; target?: string; tokenLifetimeMs?: number; enterpriseId?: string } = {},
): GeneratedFleet {
  const source = options.source ?? 'SOURCE';
  const target = options.target ?? 'TARGET';
  const sourceOg = `${source.toLowerCase()}-corp`;
  const targetOg = `${target.toLowerCase()}-corp`;
  const seed: SimSeed = {
    tenants: [
      {
        code: source,
        organizationGroups: [{ groupId: sourceOg, name: `${source} Corp` }],
        devices: devices.map((d) => ({
          serialNumber: d.serial_number,
          platform: d.platform,
          udid: d.udid,
          imei: d.imei,
          model: d.model,
          friendlyName: d.friendly_name,
          userEmail: d.user_email,
          enrolledViaDep: d.enrollment_kind === 'ade',
          targetTenant: target,
        })),
      },
      {
        code: target,
        tokenLifetimeMs: options.tokenLifetimeMs,
        organizationGroups: [
          {
            groupId: targetOg,
            name: `${target} Corp`,
            androidWork: { enterpriseId: options.enterpriseId ?? 'LC0FERRYSIM' },
          },
        ],
        users: targetUsers,
        adeProfiles: [
          { name: 'Ferry ADE', stagingMode: 'SingleUserDevice', defaultStagingUser: 'ade-staging' },
        ],
        adeDevices: devices
          .filter((d) => d.enrollment_kind === 'ade')
          .map((d) => ({ serialNumber: d.serial_number, profile: 'Ferry ADE', model: d.model })),
      },
    ],
  };
  return { seed, devices, sourceOrganizationGroup: sourceOg, targetOrganizationGroup: targetOg };
}

/** A 14-digit IMEI body with its Luhn check digit (3GPP TS 23.003 Annex B), as real IMEIs carry. */
function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}
