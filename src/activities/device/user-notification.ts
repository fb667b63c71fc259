import { heartbeat } from '@temporalio/activity';
import type { Notifier } from '../../services/mail/notifier';
import type { Platform } from '../../workflows/device/messages';
import type { TargetTenant } from '../../services/workspace-one/target-tenant';

export function createNotificationActivities(target: TargetTenant, notifier: Notifier) {
  return {
    /**
     * Tells the user how to migrate. The token value is read from the target here, inside the activity,
     * so it never enters the workflow's history.
     */
    async notifyUser(input: {
      migrationId: string;
      serialNumber: string;
      platform: Platform;
      path: string;
      email: string;
      hasToken: boolean;
      /** ABM-deadline path: when the device moves by itself. */
      deadline?: string;
      /** When the source retires or wipes the device (ISO date-time), on paths where it does. */
      removalAt?: string;
    }): Promise<{ notifiedAt: string }> {
      const registrationToken = input.hasToken
        ? await target.client.findRegistrationTokenValue(input.serialNumber)
        : undefined;
      heartbeat();
      await notifier.notify({
        to: input.email,
        serialNumber: input.serialNumber,
        platform: input.platform,
        path: input.path,
        registrationToken,
        deadline: input.deadline,
        removalAt: input.removalAt,
      });
      return { notifiedAt: new Date().toISOString() };
    },
  };
}
