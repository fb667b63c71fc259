import type { FastifyInstance } from 'fastify';
import { NoSuchMigrationError } from '../../../client/commands/visibility';
import { actOnDevices, describeOutcome, type DeviceTarget } from '../../../client/device-action';
import { deviceState } from '../../../client/reports';
import { actingAs } from '../acting-identity';
import type { AdminActionRecord } from '../../../workflows/device/messages';
import type { ConsoleContext } from '../context';
import { filterTable, sortTable, type DeviceTable, type TableDevice } from '../device-table';
import { notFound, parseRequest } from '../errors';
import { deviceActionBody, deviceParams, devicesQuery, migrationParams } from '../schemas';

/** A migration's devices: the table, actions on selected or filtered devices, one device's page. */

/** Devices acted on at once, as `ferry retry --concurrency` defaults. */
const ACTING = 10;

async function tableOf(table: DeviceTable, migrationId: string): Promise<TableDevice[]> {
  try {
    return await table.all(migrationId);
  } catch (err) {
    if (err instanceof NoSuchMigrationError) throw notFound(err.message);
    throw err;
  }
}

function workflowUrl(context: ConsoleContext, workflowId: string): string | undefined {
  if (!context.temporalUiUrl) return undefined;
  return `${context.temporalUiUrl}/namespaces/${encodeURIComponent(context.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** An admin action as the device keeps it, its sender in words: `console (local:…, admin)`, `cli (login ann)`. */
function historyEntry({ actor, ...action }: AdminActionRecord) {
  if (!actor) return action;
  const via =
    actor.via === 'console'
      ? `console (${actor.subject}, ${actor.role})`
      : `cli (${[actor.osLogin && `login ${actor.osLogin}`, actor.temporalIdentity].filter(Boolean).join(', ')})`;
  return { ...action, via };
}

export function deviceRoutes(app: FastifyInstance, context: ConsoleContext, table: DeviceTable): void {
  app.get('/api/migrations/:id/devices', async (request) => {
    const { id } = parseRequest(migrationParams, request.params, 'params');
    const { sort, order, page, pageSize, ...filter } = parseRequest(devicesQuery, request.query, 'query');
    const rows = sortTable(filterTable(await tableOf(table, id), filter), sort, order);
    return {
      total: rows.length,
      page,
      pageSize,
      devices: rows.slice((page - 1) * pageSize, page * pageSize),
    };
  });

  app.post('/api/migrations/:id/devices/actions', async (request) => {
    const { id } = parseRequest(migrationParams, request.params, 'params');
    const { action, serials, filter, reason } = parseRequest(deviceActionBody, request.body, 'body');
    const asked = { ...actingAs(request), ...(reason ? { reason } : {}) };
    const rows = await tableOf(table, id);
    const bySerial = new Map(rows.map((d) => [d.serial.toLowerCase(), d]));
    const chosen = serials
      ? serials.map((s) => bySerial.get(s.toLowerCase()) ?? { serial: s, missing: true as const })
      : filterTable(rows, filter ?? {});
    const results: { serial: string; ok: boolean; outcome: string; message: string }[] = [];
    const targets: DeviceTarget[] = [];
    for (const d of chosen) {
      if ('missing' in d)
        results.push({
          serial: d.serial,
          ok: false,
          outcome: 'failed',
          message: 'failed: no such device in this migration',
        });
      else if (!d.workflowId)
        results.push({ serial: d.serial, ok: false, outcome: 'skipped', message: 'skipped: not started' });
      else targets.push({ workflowId: d.workflowId, serialNumber: d.serial, running: d.open });
    }
    await actOnDevices(context.client, action, targets, asked, ACTING, (target, outcome) => {
      results.push({
        serial: target.serialNumber,
        ok: outcome.kind === 'done',
        outcome: outcome.kind,
        message: describeOutcome(action, outcome),
      });
    });
    table.forget(id);
    results.sort((a, b) => a.serial.localeCompare(b.serial));
    return { action, results };
  });

  app.get('/api/migrations/:id/devices/:serial', async (request) => {
    const { id, serial } = parseRequest(deviceParams, request.params, 'params');
    const device = (await tableOf(table, id)).find((d) => d.serial.toLowerCase() === serial.toLowerCase());
    if (!device) throw notFound(`no device ${serial} in migration ${id}`);
    if (!device.workflowId) return { device, timeline: [], adminActions: [] };
    const state = await deviceState(
      context.client,
      id,
      {
        workflowId: device.workflowId,
        serialNumber: device.serial,
        platform: device.platform,
        status: device.status,
        subStatus: device.subStatus,
        running: device.open,
        startTime: new Date(device.updatedAt ?? 0),
      },
      (text) => request.log.warn({ route: request.routeOptions.url }, text.replace(/^warning: /, '')),
    );
    const url = workflowUrl(context, device.workflowId);
    return {
      device,
      // What the workflow says of itself; the target user's name is left out (it can be an email address).
      state: {
        path: state.path,
        status: state.status,
        ...(state.subStatus ? { subStatus: state.subStatus } : {}),
        ...(state.failedStep ? { failedStep: state.failedStep } : {}),
        tokensIssued: state.tokensIssued,
        ...(state.tokenExpiresAt ? { tokenExpiresAt: state.tokenExpiresAt } : {}),
        ...(state.abmDeadline ? { abmDeadline: state.abmDeadline } : {}),
        ...(state.sourceCommandAt ? { sourceCommandAt: state.sourceCommandAt } : {}),
        closed: state.closed,
      },
      timeline: state.history.map(({ at, status, subStatus }) => ({
        at,
        status,
        ...(subStatus ? { subStatus } : {}),
      })),
      history: state.adminActions.map(historyEntry),
      ...(url ? { temporalUrl: url } : {}),
    };
  });
}
