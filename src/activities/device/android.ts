import type { TargetTenant } from '../../services/workspace-one/target-tenant';

export function createAndroidActivities(target: TargetTenant) {
  return {
    /** Fully managed enrollment needs the target OG registered with Google (EMM registration). */
    async checkAndroidEnterprise(): Promise<{ registered: boolean }> {
      return { registered: await target.androidEnterpriseRegistered() };
    },
  };
}
