import { log } from '@temporalio/activity';
import type { TargetUserRef } from '../../workflows/device/messages';
import type { TargetTenant } from '../../services/workspace-one/target-tenant';

export function createTargetUserActivities(target: TargetTenant) {
  return {
    /** Finds the target user by email (trimmed, case-insensitive); null is a business answer, not an error. */
    async lookupTargetUser(input: { email: string }): Promise<TargetUserRef | null> {
      const user = await target.client.findUserByEmail(input.email);
      if (!user) {
        log.info('target user not found');
        return null;
      }
      return { id: user.id, uuid: user.uuid, userName: user.userName };
    },
  };
}
