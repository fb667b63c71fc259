/**
 * Device commands (source side): `POST /mdm/devices/commands?command=&searchBy=&id=` (v1, alternate id)
 * and `POST /mdm/devices/{uuid}/commands/{command}` (v2). Wipes start the device's un-enrollment; every
 * command received is kept in the tenant's command list and the ledger, duplicates included.
 */
import { deviceStatus, startUnenroll } from '../behaviour';
import { route, wsError, type ApiContext, type Route, type SimResponse } from '../router';
import type { SimDevice } from '../types';
import { alternateKey } from './devices';

const COMMANDS = new Set([
  'enterprisewipe',
  'devicewipe',
  'lock',
  'syncdevice',
  'devicequery',
  'clearpasscode',
]);
const WIPE_TYPES = new Set([
  'WIPE',
  'WIPE_PERSIST_PROVISIONED_DATA',
  'WIPE_PROTECTED',
  'WIPE_PERSIST_USER_DATA',
]);

function execute(ctx: ApiContext, device: SimDevice, commandName: string): SimResponse {
  const { store, tenant, now } = ctx;
  const lower = commandName.toLowerCase();
  if (!COMMANDS.has(lower)) return wsError(store, 400, 'Unsupported command.');
  const command =
    lower === 'enterprisewipe' ? 'EnterpriseWipe' : lower === 'devicewipe' ? 'DeviceWipe' : commandName;
  if (deviceStatus(store, device, now) === 'Unenrolled') {
    return wsError(store, 400, 'The device is not enrolled.');
  }
  if (command === 'EnterpriseWipe' || command === 'DeviceWipe') startUnenroll(device, command, now);
  tenant.commands.push({ at: now, command, serialNumber: device.serialNumber });
  store.record({
    tenant: tenant.code,
    kind: `command.${command}`,
    source: 'api',
    serialNumber: device.serialNumber,
    detail: { deviceId: device.id },
  });
  return { status: store.quirks.commandStatus };
}

function commandByAlternateId(ctx: ApiContext): SimResponse {
  const { store, tenant, query } = ctx;
  const key = alternateKey(query.get('searchby'));
  if (!key) return wsError(store, 400, 'Unsupported searchBy value.');
  const wanted = (query.get('id') ?? '').toLowerCase();
  const device = tenant.devices.find((d) => key(d) === wanted);
  if (!device) return wsError(store, 404, 'Device not found.');
  return execute(ctx, device, query.get('command') ?? '');
}

function commandByUuid(ctx: ApiContext): SimResponse {
  const { store, tenant, params, body } = ctx;
  const device = tenant.devices.find((d) => d.uuid.toLowerCase() === (params.uuid ?? '').toLowerCase());
  if (!device) return wsError(store, 404, 'Device not found.');
  if ((params.command ?? '').toLowerCase() === 'devicewipe') {
    const wipeType = (body as { deviceWipe?: { wipeType?: unknown } } | undefined)?.deviceWipe?.wipeType;
    if (wipeType !== undefined && !WIPE_TYPES.has(String(wipeType))) {
      return wsError(store, 400, 'Unsupported wipeType.');
    }
  }
  return execute(ctx, device, params.command ?? '');
}

export const commandRoutes: Route<ApiContext>[] = [
  route('POST', '/mdm/devices/commands', 1, commandByAlternateId),
  route('POST', '/mdm/devices/:uuid/commands/:command', 2, commandByUuid),
];
