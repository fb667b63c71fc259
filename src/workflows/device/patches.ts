import { patched } from '@temporalio/workflow';

/** Patch ids (`patched()`): histories recorded before a change replay the way they ran. */
export const ABM_DEADLINE_PATH = 'abm-deadline-path';
export const MANUAL_REMOVAL_WAIT = 'manual-source-removal-wait';
export const ABM_ROLLBACK_BEFORE_SOURCE_COMMAND = 'abm-rollback-before-source-command';
/** The user is told (with the time) before a retire or wipe; the erase path gained its notifyUser step. */
export const NOTICE_BEFORE_SOURCE_COMMAND = 'notice-before-source-command';
/** The token path checks the target's Android Enterprise registration before the retire. */
export const ANDROID_ENTERPRISE_ON_TOKEN_PATH = 'android-enterprise-on-token-path';
/** A token that differs from the declared settings, or no Android staging enrollment, has its own reason. */
export const DECLARED_SETTINGS_FAILURES = 'declared-settings-failures';
/**
 * The patches of one device run, by the version it started at (MigrateDeviceInput.version,
 * DEVICE_WORKFLOW_VERSION in messages.ts). A later change to the device workflow raises that version
 * and takes its new branch where `atLeast(version)` holds: runs started before it keep the old one.
 */
export class Patches {
  private readonly version: number;

  constructor(version: number | undefined) {
    this.version = version ?? 1;
  }

  /** Started at DEVICE_WORKFLOW_VERSION 2 or later. */
  get current(): boolean {
    return this.atLeast(2);
  }

  atLeast(version: number): boolean {
    return this.version >= version;
  }

  inForce(patchId: string): boolean {
    return this.current || patched(patchId);
  }
}
