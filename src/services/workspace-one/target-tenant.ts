import type { WorkspaceOneClient, Ws1OrganizationGroup } from '.';

/**
 * The target tenant as the activities see it: its client and its organization group, looked up once
 * per worker (and again after a failed lookup) instead of once per device.
 */
export class TargetTenant {
  private group: Promise<Ws1OrganizationGroup> | undefined;

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
