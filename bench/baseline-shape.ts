import { pathFor, type MigrationPath } from '../src/workflows/device/paths';
import type { DeviceInput, MigrationOptions } from '../src/workflows/device/messages';

/**
 * The activities a device runs on its path's happy route, as the recorded histories show them
 * (test/fixtures/histories/e2e_*.json): the user lookup, the Android Enterprise check (Android), the
 * token (token paths), the ADE sync (erase path), the user's notice, the source command, the removal and
 * enrollment waits, and the staging user's switch (erase path). The baseline runs as many no-op
 * activities per device, so that it has the same shape as the fleet it is set against.
 */
const ACTIVITIES: Partial<Record<MigrationPath, number>> = {
  ios_standard: 6,
  android_fully_managed: 6,
  android_token: 7,
  ios_ade_erase: 7,
  ios_ade_standard: 8,
};

export const DEFAULT_ACTIVITIES = 6;

/** The baseline's shape of one device: its activities, and whether it starts with a signal. */
export interface BaselineShape {
  activities: number;
  /** ADE iPhones start by signalWithStart (the ABM confirmation): the baseline too. */
  signalled: boolean;
}

export function baselineShapeOf(device: DeviceInput, options: MigrationOptions): BaselineShape {
  return {
    activities: ACTIVITIES[pathFor(device, options)] ?? DEFAULT_ACTIVITIES,
    signalled: device.enrollmentKind === 'ade',
  };
}
