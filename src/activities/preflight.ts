import type { AndroidStagingEnrollment } from '../config/android-staging';
import type { MigrationStore } from '../services/device-lists/store';
import type { WorkspaceOneClient } from '../services/workspace-one';
import type { DeviceInput } from '../workflows/device/messages';
import type { PreflightRequest } from '../workflows/preflight/messages';
import { runPreflight, type PreflightReport } from './preflight/checks';

export type { PreflightReport } from './preflight/checks';

/**
 * The preflight as an activity, for callers that hold no tenant credentials (the console): the worker
 * checks the target with its own client, on a device list saved in the migration store.
 */

export interface PreflightActivityDeps {
  target: WorkspaceOneClient;
  targetGroupId: string;
  store: MigrationStore;
  androidStaging?: AndroidStagingEnrollment;
}

const PAGE = 1000;

async function savedList(store: MigrationStore, listId: string): Promise<DeviceInput[]> {
  const devices: DeviceInput[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.readDevicePage(listId, offset, PAGE);
    devices.push(...page);
    if (page.length < PAGE) return devices;
  }
}

export function createPreflightActivities(deps: PreflightActivityDeps) {
  return {
    async preflightDeviceList(request: PreflightRequest): Promise<PreflightReport> {
      const devices = await savedList(deps.store, request.listId);
      return runPreflight(deps.target, deps.targetGroupId, devices, request.options, {
        androidStaging: deps.androidStaging,
      });
    },
  };
}

export type PreflightActivities = ReturnType<typeof createPreflightActivities>;
