/**
 * The Intune simulator's `/_sim/` ledger route: every retire and wipe received, in order, with the
 * record's id and serial (`?serial=` keeps one device's), so a test or the chaos run can tell a command
 * sent twice from one sent once.
 */
import type { AdminRoute } from '../../shared/simulator/admin';
import type { SimIntuneState } from './state';

export function intuneAdminRoutes(state: SimIntuneState): AdminRoute[] {
  return [
    {
      method: 'GET',
      url: '/actions',
      handler: ({ query }) => {
        const serial = query.get('serial')?.toUpperCase();
        const actions = state.actions
          .filter((a) => serial === undefined || a.serialNumber.toUpperCase() === serial)
          .map(({ deviceId, serialNumber, action, at }) => ({ deviceId, serialNumber, action, at }));
        return { status: 200, body: actions };
      },
    },
  ];
}
