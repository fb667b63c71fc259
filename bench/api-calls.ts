import { adminCall } from '../chaos/simulators-process';
import { TARGET_TENANT } from '../src/demo/world';

/**
 * Target API calls per migrated device, by endpoint, from the Workspace ONE simulator's request counter
 * (`GET /_sim/requests`: every request received, by tenant, method and route pattern). OAuth token
 * requests carry no tenant header; in the benchmark only the target authenticates by OAuth, so they
 * count as the target's.
 */
interface RequestCount {
  tenant: string;
  method: string;
  route: string;
  count: number;
}

export type RequestCounts = Map<string, number>;

/** The simulator's counters now, keyed `TENANT METHOD /route`. */
export async function readRequestCounts(ws1Admin: string): Promise<RequestCounts> {
  const rows = (await adminCall(`${ws1Admin}/requests`)) as RequestCount[];
  return new Map(rows.map((r) => [`${r.tenant} ${r.method} ${r.route}`, r.count]));
}

export interface ApiCallFigures {
  /** Target calls (OAuth tokens included) per device. */
  targetPerDevice: number;
  /** The same by `METHOD /route`, most first. */
  targetByEndpoint: Record<string, number>;
  /** Source tenant calls per device (the source's commands and reads). */
  sourcePerDevice: number;
}

/** What the counters grew by between two readings, per device. */
export function apiCallsPerDevice(
  before: RequestCounts,
  after: RequestCounts,
  devices: number,
): ApiCallFigures {
  const target: Record<string, number> = {};
  let targetTotal = 0;
  let sourceTotal = 0;
  for (const [key, count] of after) {
    const grew = count - (before.get(key) ?? 0);
    if (grew <= 0) continue;
    const [tenant, method, route] = key.split(' ');
    if (tenant === TARGET_TENANT || tenant === '-') {
      target[`${method} ${route}`] = grew;
      targetTotal += grew;
    } else {
      sourceTotal += grew;
    }
  }
  const per = (n: number) => Math.round((n / Math.max(1, devices)) * 100) / 100;
  const byEndpoint = Object.entries(target)
    .sort((a, b) => b[1] - a[1])
    .map(([endpoint, n]) => [endpoint, per(n)] as const);
  return {
    targetPerDevice: per(targetTotal),
    targetByEndpoint: Object.fromEntries(byEndpoint),
    sourcePerDevice: per(sourceTotal),
  };
}
