import { proxyActivities } from '@temporalio/workflow';
import type { PreflightActivities, PreflightReport } from '../../activities/preflight';
import type { PreflightRequest } from './messages';

/**
 * A preflight run on a worker, for callers without tenant credentials (the console): one activity that
 * reads the target and writes nothing, so a retry is harmless.
 */

const { preflightDeviceList: checkList } = proxyActivities<PreflightActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3 },
});

export async function preflightDeviceList(request: PreflightRequest): Promise<PreflightReport> {
  return checkList(request);
}
