import { startSimulatedTenants, type SimulatedTenants } from '../../src/demo/world';
import { perFile, standIn } from './set-up';
import { installTestRuntime } from './temporal';

/**
 * The end-to-end tests' tenants: the demo's simulated Workspace ONE source and target with 12 devices
 * (seed 1, every target user present), started before this file's tests and closed after them.
 */
export function e2eTenantsPerFile(behaviour: {
  commandDelayMs: number;
  enrollDelayMs: number;
}): SimulatedTenants {
  const start = () => {
    installTestRuntime();
    return startSimulatedTenants({ devices: 12, seed: 1, missingTargetUserShare: 0 }, { behaviour });
  };
  return standIn(perFile('the simulated tenants', start, (tenants) => tenants.close()));
}
