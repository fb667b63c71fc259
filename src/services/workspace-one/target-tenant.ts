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
  private readonly androidEnterprise = new ShortLivedCache(
    async () =>
      (await this.client.getAndroidWorkRegistration((await this.organizationGroup()).id)).registered,
    ANDROID_ENTERPRISE_TTL_MS,
    (registered) => registered,
  );

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
  androidEnterpriseRegistered(now = Date.now()): Promise<boolean> {
    return this.androidEnterprise.get(now);
  }
}

/**
 * Caches a read for a few seconds: many device workflows poll the same OG-wide list at once. A failed
 * read, or an answer `keep` refuses, is not kept: the next caller reads again.
 */
export class ShortLivedCache<T> {
  private value: { at: number; promise: Promise<T> } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly keep: (value: T) => boolean = () => true,
  ) {}

  get(now = Date.now()): Promise<T> {
    if (!this.value || now - this.value.at > this.ttlMs) {
      const promise = this.load();
      this.value = { at: now, promise };
      const forget = () => {
        if (this.value?.promise === promise) this.value = undefined;
      };
      promise.then((value) => (this.keep(value) ? undefined : forget()), forget);
    }
    return this.value.promise;
  }
}
