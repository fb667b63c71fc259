import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';
import { HAPPY_PATH_ACTIVITIES } from './baseline-shape';

/**
 * The benchmark's baseline: a workflow of the same shape as a happy-path device (`ios_standard`: six
 * activities one after another, src/workflows/device/paths.ts) whose activities do nothing. What it
 * costs is what Temporal itself costs on this machine, the floor Ferry's device workflow is set against.
 */
const { step } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export async function baselineDevice(serialNumber: string): Promise<string> {
  for (let i = 0; i < HAPPY_PATH_ACTIVITIES; i++) await step(serialNumber, i);
  return serialNumber;
}
