/**
 * Apple Business Manager API response schemas (JSON:API shapes, shared notes section B.2) and the types
 * the client returns. Strict on the fields Ferry reads (ids, serial, server name, activity status),
 * lenient on the rest (unknown keys are dropped, optional attributes stay optional).
 */
import { z } from 'zod';

const optString = z.string().optional();

// ---------------------------------------------------------------- errors

/** Apple's ErrorResponse: `{ errors: [{ id, status, code, title, detail }] }`. */
export const errorBodySchema = z.object({
  errors: z.array(z.object({ id: optString, status: optString, code: optString })).min(1),
});

/** The token endpoint's OAuth error body (RFC 6749 §5.2): `{ error: "invalid_client", … }`. */
export const oauthErrorBodySchema = z.object({ error: z.string() });

// ---------------------------------------------------------------- paging

const pageLinksSchema = z.object({ self: optString, next: optString }).optional();
const pageMetaSchema = z
  .object({ paging: z.object({ nextCursor: optString, limit: z.number().optional() }).optional() })
  .optional();

// ---------------------------------------------------------------- orgDevices

export const orgDeviceSchema = z.object({
  type: z.literal('orgDevices'),
  id: z.string().min(1),
  attributes: z.object({
    serialNumber: z.string().min(1),
    status: z.enum(['ASSIGNED', 'UNASSIGNED']).optional(),
    productFamily: optString,
    productType: optString,
    deviceModel: optString,
    purchaseSourceType: optString,
    addedToOrgDateTime: optString,
    updatedDateTime: optString,
    isMdmMigrationCapable: z.boolean().optional(),
    mdmMigrationStatus: optString,
    mdmMigrationDeadlineDateTime: optString,
  }),
});

export const orgDevicesPageSchema = z.object({
  data: z.array(orgDeviceSchema),
  links: pageLinksSchema,
  meta: pageMetaSchema,
});

export const orgDeviceResponseSchema = z.object({ data: orgDeviceSchema });

/**
 * `GET /v1/orgDevices/{id}/relationships/assignedServer`. Apple documents only the assigned shape; an
 * unassigned device is read as `data` null or absent, or an empty `id` (what deploymenttheory/
 * go-sdk-appleservices' acceptance tests accept); a 404 is handled by the client.
 */
export const assignedServerLinkageSchema = z.object({
  data: z
    .object({ type: z.literal('mdmServers'), id: z.string() })
    .nullable()
    .optional(),
});

// ---------------------------------------------------------------- mdmServers

/** `GET /v1/mdmServers/{id}/relationships/devices`: one page of serial-number linkages. */
export const serverDevicesLinkagesPageSchema = z.object({
  data: z.array(z.object({ type: z.literal('orgDevices'), id: z.string().min(1) })),
  links: pageLinksSchema,
  meta: pageMetaSchema,
});

export const mdmServerSchema = z.object({
  type: z.literal('mdmServers'),
  id: z.string().min(1),
  attributes: z.object({
    serverName: z.string(),
    serverType: optString,
    createdDateTime: optString,
    updatedDateTime: optString,
  }),
});

export const mdmServersPageSchema = z.object({
  data: z.array(mdmServerSchema),
  links: pageLinksSchema,
  meta: pageMetaSchema,
});

// ---------------------------------------------------------------- orgDeviceActivities

/** The activity types Ferry sends (Apple also has UPDATE_MDM_MIGRATION_DEADLINE and RELEASE_DEVICES). */
export type AbmActivityType =
  | 'ASSIGN_DEVICES'
  | 'UNASSIGN_DEVICES'
  | 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE'
  | 'CANCEL_MDM_MIGRATION';

const ACTIVITY_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'STOPPED', 'FAILED'] as const;
export type AbmActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export const deviceActivityResponseSchema = z.object({
  data: z.object({
    type: z.literal('orgDeviceActivities'),
    id: z.string().min(1),
    attributes: z.object({
      status: z.enum(ACTIVITY_STATUSES),
      /** SUBMITTED … COMPLETED_WITH_SUCCESS, COMPLETED_WITH_FAILURE, …; kept open for new values. */
      subStatus: optString,
      createdDateTime: optString,
      completedDateTime: optString,
      downloadUrl: optString,
    }),
  }),
});

// ---------------------------------------------------------------- normalised types

export interface AbmOrgDevice {
  serialNumber: string;
  id: string;
  status?: 'ASSIGNED' | 'UNASSIGNED';
  productFamily?: string;
  deviceModel?: string;
  updatedDateTime?: string;
  isMdmMigrationCapable?: boolean;
  /** Apple documents REQUESTED, STARTED, SUCCESS, FAILED; kept open for values added later. */
  mdmMigrationStatus?: string;
  mdmMigrationDeadlineDateTime?: string;
}

export interface AbmMdmServer {
  id: string;
  serverName: string;
  serverType?: string;
}

export interface AbmDeviceActivity {
  id: string;
  status: AbmActivityStatus;
  subStatus?: string;
  createdDateTime?: string;
  completedDateTime?: string;
  /** Pre-signed CSV of per-serial results; only once COMPLETED. Treat as a secret-bearing URL. */
  downloadUrl?: string;
}

export function toOrgDevice(raw: z.output<typeof orgDeviceSchema>): AbmOrgDevice {
  const a = raw.attributes;
  return {
    id: raw.id,
    serialNumber: a.serialNumber,
    status: a.status,
    productFamily: a.productFamily,
    deviceModel: a.deviceModel,
    updatedDateTime: a.updatedDateTime,
    isMdmMigrationCapable: a.isMdmMigrationCapable,
    mdmMigrationStatus: a.mdmMigrationStatus,
    mdmMigrationDeadlineDateTime: a.mdmMigrationDeadlineDateTime,
  };
}

export function toMdmServer(raw: z.output<typeof mdmServerSchema>): AbmMdmServer {
  return { id: raw.id, serverName: raw.attributes.serverName, serverType: raw.attributes.serverType };
}

export function toActivity(raw: z.output<typeof deviceActivityResponseSchema>): AbmDeviceActivity {
  return { id: raw.data.id, ...raw.data.attributes };
}
