import type { MigrationPath, Step } from './paths';
import { SearchAttributePublisher } from './search-attribute-publisher';
import type { AdminRequest, DeviceInput, DeviceState, DeviceStatus } from './messages';
import {
  FerryMigrationId,
  FerryPlatform,
  FerrySerial,
  FerryStatus,
  FerrySubStatus,
} from '../search-attributes';

/** Characters of a failed device's sub-status kept; details past it are cut. */
const MAX_SUB_STATUS = 500;

/**
 * The device's state as queries and reports see it. Every status change is timestamped (workflow time)
 * into the history and published as search attributes, so admins can filter devices in Temporal itself.
 * How and when they are published: SearchAttributePublisher.
 */
export class DeviceStateKeeper {
  readonly current: DeviceState;
  private beforeFailure: { status: DeviceStatus; subStatus?: string } | undefined;
  private readonly attributes: SearchAttributePublisher;

  constructor(migrationId: string, device: DeviceInput, path: MigrationPath, oncePerTask: boolean) {
    this.current = {
      migrationId,
      serialNumber: device.serialNumber,
      platform: device.platform,
      path,
      status: 'getting_ready',
      history: [],
      adminActions: [],
      tokensIssued: 0,
      closed: false,
    };
    this.attributes = new SearchAttributePublisher(oncePerTask);
    // The start sets these too; a run started without them (another client) still gets them.
    this.attributes.publish([
      { key: FerryMigrationId, value: migrationId },
      { key: FerrySerial, value: device.serialNumber },
      { key: FerryPlatform, value: device.platform },
    ]);
  }

  set(status: DeviceStatus, subStatus?: string): void {
    const s = this.current;
    if (s.history.length > 0 && s.status === status && s.subStatus === subStatus) return;
    s.status = status;
    s.subStatus = subStatus;
    if (status !== 'failed') s.failedStep = undefined;
    s.history.push({ status, ...(subStatus ? { subStatus } : {}), at: new Date().toISOString() });
    this.attributes.publish([
      { key: FerryStatus, value: status },
      { key: FerrySubStatus, value: subStatus ?? null },
    ]);
  }

  fail(reason: string, detail?: string, step?: Step): void {
    if (this.current.status !== 'failed') {
      this.beforeFailure = { status: this.current.status, subStatus: this.current.subStatus };
    }
    const subStatus = detail ? `${reason}: ${detail}` : reason;
    // A search attribute value over the server's limit (2 KB by default) would fail every workflow task.
    this.set(
      'failed',
      subStatus.length > MAX_SUB_STATUS ? `${subStatus.slice(0, MAX_SUB_STATUS - 1)}…` : subStatus,
    );
    this.current.failedStep = step;
  }

  /** Back to where the device was when it failed, so a retried step starts from a status that makes sense. */
  resume(): void {
    this.set(this.beforeFailure?.status ?? 'getting_ready', 'retry requested by admin');
  }

  /**
   * Counts distinct tokens by their expiry: a token an earlier attempt of the same activity issued (and
   * the retry found) is new to the device; the same token found again after an admin retry is not. A
   * token the target reports no expiry for (`expiresAt` absent) is new unless it was found again where
   * the device already had one without an expiry.
   */
  tokenIssued(expiresAt: string | undefined, reused = false): void {
    const s = this.current;
    const isNew =
      expiresAt !== undefined
        ? expiresAt !== s.tokenExpiresAt
        : !reused || s.tokensIssued === 0 || s.tokenExpiresAt !== undefined;
    if (isNew) s.tokensIssued++;
    s.tokenExpiresAt = expiresAt;
  }

  note(action: string, request: AdminRequest): void {
    this.current.adminActions.push({ action, ...request, at: new Date().toISOString() });
  }

  close(): void {
    this.current.closed = true;
    this.attributes.finish();
  }

  /** A copy, so a query never hands out the live object. */
  snapshot(): DeviceState {
    return JSON.parse(JSON.stringify(this.current)) as DeviceState;
  }
}
