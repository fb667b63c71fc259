import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DEFAULT_MIGRATION_OPTIONS,
  getDeviceState,
  type DeviceInput,
  type DeviceState,
  type DeviceStatus,
  type MigrateDeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

export function device(overrides: Partial<DeviceInput> = {}): DeviceInput {
  return {
    serialNumber: 'F2LXK0ABCD12',
    platform: 'ios',
    enrollmentKind: 'standard',
    userEmail: 'Jane.Doe@corp.example',
    friendlyName: 'Jane iPhone',
    ...overrides,
  };
}

export function input(
  d: DeviceInput,
  options: Partial<MigrationOptions> = {},
  migrationId = `m-${Math.random().toString(36).slice(2, 8)}`,
): MigrateDeviceInput {
  return { migrationId, device: d, options: { ...DEFAULT_MIGRATION_OPTIONS, ...options } };
}

/** Polls the device's query until it reaches the status; moves server time by `skip` between polls. */
export async function waitForStatus(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  status: DeviceStatus,
  options: { skip?: Duration; timeoutMs?: number; subStatus?: RegExp } = {},
): Promise<DeviceState> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const state = await handle.query(getDeviceState);
    if (state.status === status && (!options.subStatus || options.subStatus.test(state.subStatus ?? ''))) {
      return state;
    }
    if (Date.now() > deadline) {
      throw new Error(`device stayed ${state.status} (${state.subStatus ?? ''}), expected ${status}`);
    }
    if (options.skip) await env.sleep(options.skip);
    else await new Promise((r) => setTimeout(r, 100));
  }
}

/** With FERRY_RECORD_HISTORIES=1, keeps the run's history as a replay fixture (see test/replay). */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.FERRY_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
}
