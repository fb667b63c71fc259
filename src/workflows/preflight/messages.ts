import type { MigrationOptions } from '../device/messages';

/** The preflight workflow's contract: a device list saved in the migration store, checked by a worker. */

export interface PreflightRequest {
  /** The id the list is saved under in the migration store. */
  listId: string;
  options: MigrationOptions;
}

export const PREFLIGHT_WORKFLOW = 'preflightDeviceList';
