import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Ferry's custom search attributes: admins filter devices with Temporal's own list queries, e.g.
 * `FerryMigrationId = 'm-1' AND FerryStatus = 'failed'`. The dev server registers them at start-up; a
 * production cluster needs `temporal operator search-attribute create` once (see docs/operations.md).
 */
export const FerryMigrationId = defineSearchAttributeKey('FerryMigrationId', SearchAttributeType.KEYWORD);
export const FerryStatus = defineSearchAttributeKey('FerryStatus', SearchAttributeType.KEYWORD);
export const FerrySubStatus = defineSearchAttributeKey('FerrySubStatus', SearchAttributeType.KEYWORD);
export const FerryPlatform = defineSearchAttributeKey('FerryPlatform', SearchAttributeType.KEYWORD);
export const FerrySerial = defineSearchAttributeKey('FerrySerial', SearchAttributeType.KEYWORD);

export const FERRY_SEARCH_ATTRIBUTES = [
  FerryMigrationId,
  FerryStatus,
  FerrySubStatus,
  FerryPlatform,
  FerrySerial,
];
