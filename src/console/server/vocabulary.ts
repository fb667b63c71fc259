import { NOT_STARTED } from '../../client/commands/devices';
import { DEVICE_STATUSES, ENROLLMENT_KINDS, PLATFORMS } from '../../workflows/device/messages';

/**
 * The words of the devices table's exact filters, from the device workflow's contract: the statuses in
 * lifecycle order, then `not_started` (`ferry devices --status` takes it too), the platforms and the
 * enrollment kinds. The server checks filters against them and `GET /api/session` gives them to the
 * pages, so neither keeps a copy.
 */
export const VOCABULARY = {
  statuses: [...DEVICE_STATUSES, NOT_STARTED],
  platforms: [...PLATFORMS],
  enrollmentKinds: [...ENROLLMENT_KINDS],
} as const;
