/**
 * The Apple Business Manager simulator's `/_sim/` ledger routes: what a test or the chaos run checks
 * after a migration (every device activity Ferry created, where each device is now, what the API was
 * asked). Activities settle first, as on an API call.
 */
import type { AdminRoute } from '../../shared/simulator/admin';
import type { SimAbmState } from './state';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function abmAdminRoutes(state: SimAbmState): AdminRoute[] {
  return [
    {
      // ?serial= keeps the activities that name that serial.
      method: 'GET',
      url: '/activities',
      handler: ({ query }) => {
        state.settle();
        const serial = query.get('serial')?.toUpperCase();
        const activities = [...state.activities.values()]
          .filter((a) => serial === undefined || a.serials.some((s) => s.toUpperCase() === serial))
          .map((a) => ({
            id: a.id,
            activityType: a.activityType,
            mdmServerId: a.mdmServerId,
            serials: [...a.serials],
            status: a.status,
            subStatus: a.subStatus,
            createdAt: iso(a.createdAt),
            completedAt: iso(a.completedAt),
          }));
        return { status: 200, body: activities };
      },
    },
    {
      method: 'GET',
      url: '/devices',
      handler: () => {
        state.settle();
        const devices = [...state.devices.values()].map((d) => ({
          serial: d.serial,
          assignedServerId: d.assignedServerId ?? null,
          mdmMigrationStatus: d.mdmMigrationStatus ?? null,
        }));
        return { status: 200, body: devices };
      },
    },
    {
      method: 'GET',
      url: '/requests',
      handler: () => {
        const gets = state.apiRequests.filter((r) => r.method === 'GET').length;
        const posts = state.apiRequests.length - gets;
        const counts = { gets, posts, rateLimited: state.rateLimited, tokenRequests: state.tokenRequests };
        return { status: 200, body: counts };
      },
    },
  ];
}
