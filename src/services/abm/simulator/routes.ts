/**
 * The simulator's `/v1/...` routes in Apple's JSON:API shapes (shared notes B.2): org devices (cursor
 * paging), a device's assigned server, MDM servers and the serials assigned to one, and device activities
 * (including a migration with a deadline). Errors use Apple's ErrorResponse body. Where Apple is silent
 * (an unassigned device's server, an unknown serial in an activity) the quirks decide (quirks.ts).
 */
import crypto from 'node:crypto';
import type { AbmSimulatorQuirks } from './quirks';
import {
  CANCEL_ACTIVITY,
  DEADLINE_ACTIVITY,
  type SimAbmActivity,
  type SimAbmDevice,
  type SimAbmState,
} from './state';
import type { JsonResponse } from '../../shared/simulator/loopback-http';

export type SimResponse = JsonResponse;

export interface ApiRequest {
  state: SimAbmState;
  /** The simulator's base URL, used in `links`. */
  baseUrl: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  quirks: AbmSimulatorQuirks;
}

const ASSIGN_TYPES = new Set(['ASSIGN_DEVICES', DEADLINE_ACTIVITY]);
/** Apple: the deadline may be at most 90 days ahead. */
const MAX_DEADLINE_AHEAD_MS = 90 * 86_400_000;

export function appleError(status: number, code: string, title: string, detail = title): SimResponse {
  const error = { id: crypto.randomUUID(), status: String(status), code, title, detail };
  return { status, body: { errors: [error] } };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The device named in the path, or Apple's 404 for it (which comes before any unknown sub-path's). */
function withDevice(req: ApiRequest, answer: (device: SimAbmDevice) => SimResponse): SimResponse {
  const device = req.state.devices.get(req.params.id ?? '');
  return device ? answer(device) : notFound(req.path, 'orgDevices', req.params.id);
}

/** Handlers by `METHOD path` under `/v1`. */
export const apiRoutes: Record<string, (req: ApiRequest) => SimResponse> = {
  'GET /orgDevices': (req) =>
    paged(req, [...req.state.devices.values()], (d) => deviceResource(req.baseUrl, d)),
  'GET /orgDevices/:id': (req) =>
    withDevice(req, (device) => ({ status: 200, body: { data: deviceResource(req.baseUrl, device) } })),
  'GET /orgDevices/:id/relationships/assignedServer': (req) =>
    withDevice(req, (device) => {
      const links = { self: `${req.baseUrl}${req.path}` };
      if (device.assignedServerId) {
        return { status: 200, body: { data: { type: 'mdmServers', id: device.assignedServerId }, links } };
      }
      const shape = req.quirks.unassignedServer;
      if (shape === 'not-found') return notFound(req.path, 'mdmServers', 'assignedServer');
      const data = shape === 'empty-id' ? { type: 'mdmServers', id: '' } : null;
      return { status: 200, body: { data, links } };
    }),
  'GET /orgDevices/:id/*': (req) => withDevice(req, () => notFoundRoute(req)),
  'GET /mdmServers': (req) =>
    paged(req, req.state.servers, (s) => ({
      type: 'mdmServers',
      id: s.id,
      attributes: { serverName: s.name, serverType: 'MDM' },
    })),
  'GET /mdmServers/:id/relationships/devices': (req) => {
    const id = req.params.id ?? '';
    if (!req.state.servers.some((s) => s.id === id)) return notFound(req.path, 'mdmServers', id);
    const devices = [...req.state.devices.values()];
    const serials = devices.filter((d) => d.assignedServerId === id).map((d) => d.serial);
    const related = `${req.baseUrl}/v1/mdmServers/${encodeURIComponent(id)}/devices`;
    return paged(req, serials, (serial) => ({ type: 'orgDevices', id: serial }), { related });
  },
  'POST /orgDeviceActivities': createActivity,
  'GET /orgDeviceActivities/:id': (req) => {
    const activity = req.state.activities.get(req.params.id ?? '');
    return activity
      ? { status: 200, body: activityBody(activity) }
      : notFound(req.path, 'orgDeviceActivities', req.params.id);
  },
};

export const notFoundRoute = (req: Pick<ApiRequest, 'path'>) => notFound(req.path);

function notFound(path: string, type?: string, id?: string): SimResponse {
  const detail = type ? `There is no resource of type '${type}' with id '${id}'` : `No route for ${path}`;
  return appleError(404, 'NOT_FOUND', "The specified resource doesn't exist", detail);
}

/** Cursor paging: the cursor is an opaque base64url offset; `links.next` is absent on the last page. */
function paged<T>(
  req: ApiRequest,
  items: T[],
  render: (item: T) => unknown,
  extraLinks: Record<string, string> = {},
): SimResponse {
  const rawLimit = req.query.get('limit');
  const limit = rawLimit === null ? 100 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return appleError(
      400,
      'PARAMETER_ERROR.INVALID',
      'A parameter has an invalid value',
      'limit must be 1..1000',
    );
  }
  const cursor = req.query.get('cursor');
  const offset =
    cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8').split(':')[1]);
  if (!Number.isInteger(offset) || offset < 0) {
    return appleError(400, 'PARAMETER_ERROR.INVALID', 'A parameter has an invalid value', 'bad cursor');
  }
  const page = items.slice(offset, offset + limit);
  const self = `${req.baseUrl}${req.path}`;
  const hasMore = offset + limit < items.length;
  const nextCursor = hasMore ? Buffer.from(`0:${offset + limit}`).toString('base64url') : undefined;
  const next = nextCursor ? { next: `${self}?cursor=${nextCursor}&limit=${limit}` } : {};
  const links = { self, ...next, ...extraLinks };
  return {
    status: 200,
    body: { data: page.map(render), links, meta: { paging: { nextCursor, limit } } },
  };
}

function deviceResource(baseUrl: string, d: SimAbmDevice) {
  const self = `${baseUrl}/v1/orgDevices/${encodeURIComponent(d.serial)}`;
  return {
    type: 'orgDevices',
    id: d.serial,
    attributes: {
      serialNumber: d.serial,
      productFamily: d.productFamily ?? 'iPhone',
      deviceModel: d.deviceModel ?? 'iPhone 13',
      status: d.assignedServerId ? 'ASSIGNED' : 'UNASSIGNED',
      purchaseSourceType: 'APPLE',
      addedToOrgDateTime: iso(d.addedAt),
      updatedDateTime: iso(d.updatedAt),
      isMdmMigrationCapable: d.isMdmMigrationCapable ?? true,
      // Absent (undefined is not serialised) until a migration has been requested, as with Apple.
      mdmMigrationStatus: d.mdmMigrationStatus,
      mdmMigrationDeadlineDateTime:
        d.mdmMigrationDeadlineAt === undefined ? undefined : iso(d.mdmMigrationDeadlineAt),
    },
    relationships: {
      assignedServer: {
        links: { self: `${self}/relationships/assignedServer`, related: `${self}/assignedServer` },
      },
    },
    links: { self },
  };
}

function activityBody(a: SimAbmActivity) {
  const attributes: Record<string, unknown> = {
    status: a.status,
    subStatus: a.subStatus,
    createdDateTime: iso(a.createdAt),
  };
  if (a.completedAt !== undefined) {
    attributes.completedDateTime = iso(a.completedAt);
    attributes.downloadUrl = `https://example.invalid/activity-logs/${a.id}.csv`;
  }
  return { data: { type: 'orgDeviceActivities', id: a.id, attributes } };
}

interface ActivityCreateBody {
  data?: {
    type?: string;
    attributes?: { activityType?: string; activityTypeMetadata?: { mdmMigrationDeadlineDateTime?: string } };
    relationships?: {
      mdmServer?: { data?: { type?: string; id?: string } };
      devices?: { data?: { type?: string; id?: string }[] };
    };
  };
}

function createActivity(req: ApiRequest): SimResponse {
  const data = (req.body as ActivityCreateBody | undefined)?.data;
  const activityType = data?.attributes?.activityType ?? '';
  const serials = (data?.relationships?.devices?.data ?? []).map((d) => d.id ?? '');
  const mdmServerId = data?.relationships?.mdmServer?.data?.id;
  const invalid = (detail: string) =>
    appleError(422, 'ENTITY_UNPROCESSABLE', 'The request cannot be processed', detail);
  if (data?.type !== 'orgDeviceActivities') return invalid('data.type must be orgDeviceActivities');
  const cancel = activityType === CANCEL_ACTIVITY;
  if (!ASSIGN_TYPES.has(activityType) && activityType !== 'UNASSIGN_DEVICES' && !cancel)
    return invalid('unknown activityType');
  if (serials.length === 0) return invalid('no devices');
  const conflict = (detail: string) => appleError(409, 'ENTITY_ERROR', 'The request conflicts', detail);
  // Apple: assign and unassign name the server; a migration's cancel does not.
  if (!cancel && !req.state.servers.some((s) => s.id === mdmServerId)) {
    return conflict(
      mdmServerId === undefined ? 'the mdmServer relationship is required' : 'unknown mdmServer',
    );
  }
  let mdmMigrationDeadlineAt: number | undefined;
  if (activityType === DEADLINE_ACTIVITY) {
    const raw = data.attributes?.activityTypeMetadata?.mdmMigrationDeadlineDateTime;
    if (raw === undefined) return conflict('activityTypeMetadata.mdmMigrationDeadlineDateTime is required');
    mdmMigrationDeadlineAt = Date.parse(raw);
    const now = req.state.now();
    if (
      Number.isNaN(mdmMigrationDeadlineAt) ||
      mdmMigrationDeadlineAt <= now ||
      mdmMigrationDeadlineAt > now + MAX_DEADLINE_AHEAD_MS
    ) {
      return conflict('mdmMigrationDeadlineDateTime must be in the future and at most 90 days ahead');
    }
  }
  // Accepted, the activity then leaves that serial where it is (state.settle), or refused: a quirk.
  const unknown = serials.find((s) => !req.state.devices.has(s));
  if (unknown !== undefined && req.quirks.unknownSerial === 'conflict') {
    return conflict(`unknown device '${unknown}'`);
  }
  const activity = req.state.createActivity({ activityType, mdmServerId, serials, mdmMigrationDeadlineAt });
  return { status: 201, body: activityBody(activity) };
}
