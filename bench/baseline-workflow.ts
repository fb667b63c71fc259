import { defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';

/**
 * The benchmark's baseline: a workflow of the same shape as one device of the fleet (its number of
 * activities one after another, bench/baseline-shape.ts, and the ABM confirmation signal an ADE iPhone
 * starts with) whose activities do nothing. What it costs is what Temporal itself costs on this machine,
 * the floor Ferry's device workflow is set against.
 */
const { step } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export const baselineConfirmed = defineSignal('baselineConfirmed');

export async function baselineDevice(serialNumber: string, activities: number): Promise<string> {
  setHandler(baselineConfirmed, () => undefined);
  for (let i = 0; i < activities; i++) await step(serialNumber, i);
  return serialNumber;
}
