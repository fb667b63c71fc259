import type { WorkspaceOneClient, Ws1OrganizationGroup } from '.';

/**
 * How long a "registered" answer about Android Enterprise is trusted before it is read again: the check
 * guards a wipe to fully managed, so a group whose registration was removed is seen within a minute.
 */
export const ANDROID_ENTERPRISE_TTL_MS = 60_000;

/**
 * The target tenant as the activities see it: its client and its organization group, looked up once
 * per worker (and again after a failed lookup) instead of once per device, and the group's Android
 * Enterprise registration, shared by the devices of the next minute.
 */
export class TargetTenant {
  private group: Promise<Ws1OrganizationGroup> | undefined;
  private androidEnterprise: { at: number; registered: Promise<boolean> } | undefined;

  constructor(
    readonly client: WorkspaceOneClient,
    private readonly groupId: string,
  ) {}

  organizationGroup(): Promise<Ws1OrganizationGroup> {
    this.group ??= this.client.getOrganizationGroup(this.groupId).catch((err: unknown) => {
      this.group = undefined;
      throw err;
    });
    return this.group;
  }

  /**
   * Whether the group is registered with Google. Only "registered" is shared: a group that is not is
   * read again by the next device, so an admin who registers it and retries is not told an old answer.
   */
  async androidEnterpriseRegistered(now = Date.now()): Promise<boolean> {
    const cached = this.androidEnterprise;
    if (cached && now - cached.at <= ANDROID_ENTERPRISE_TTL_MS) return cached.registered;
    const registered = this.organizationGroup().then(
      async (group) => (await this.client.getAndroidWorkRegistration(group.id)).registered,
    );
    this.androidEnterprise = { at: now, registered };
    const forget = () => {
      if (this.androidEnterprise?.registered === registered) this.androidEnterprise = undefined;
    };
    registered.then((yes) => (yes ? undefined : forget()), forget);
    return registered;
  }
}

/** Caches a read for a few seconds: many device workflows poll the same OG-wide list at once. */
export class ShortLivedCache<T> {
  private value: { at: number; promise: Promise<T> } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<T> {
    const now = Date.now();
    if (!this.value || now - this.value.at > this.ttlMs) {
      const promise = this.load();
      this.value = { at: now, promise };
      promise.catch(() => {
        if (this.value?.promise === promise) this.value = undefined;
      });
    }
    return this.value.promise;
  }
}
