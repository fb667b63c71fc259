import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config';
import { pullInventory } from '../source-inventory';
import type { DeviceInput } from '../../workflows/messages';
import { EXIT_OK, UsageError, type Command } from '../cli';
import { stringFlag } from './flags';

const COLUMNS = [
  'serial_number',
  'platform',
  'enrollment_kind',
  'user_email',
  'imei',
  'model',
  'friendly_name',
];
const FIELDS: (keyof DeviceInput)[] = [
  'serialNumber',
  'platform',
  'enrollmentKind',
  'userEmail',
  'imei',
  'model',
  'friendlyName',
];

const csv = (value: string | undefined) =>
  value && /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : (value ?? '');

/** Pulls the source's inventory into a device list file an admin can check, edit and start from. */
export const inventoryCommand: Command = {
  usage: `Usage: ferry inventory --source intune --out FILE

Reads every managed iOS and Android device of the source tenant (INTUNE_* in the environment) and
writes Ferry's device list (CSV, SPEC §1 columns), so nobody exports it by hand. Devices Ferry cannot
migrate (other platforms, no serial, no user) are listed with the reason and left out. Then:
ferry validate --devices FILE, ferry preflight …, ferry start --devices FILE.`,
  options: { source: { type: 'string' }, out: { type: 'string', short: 'o' } },
  async run({ values }, io) {
    if (stringFlag(values, 'source') !== 'intune') throw new UsageError('--source intune is required');
    const out = stringFlag(values, 'out');
    if (!out) throw new UsageError('--out FILE is required');
    const inventory = await pullInventory(loadConfig());
    const rows = inventory.devices.map((d) => FIELDS.map((f) => csv(d[f] as string | undefined)).join(','));
    writeFileSync(out, `${[COLUMNS.join(','), ...rows].join('\r\n')}\r\n`);
    for (const s of inventory.skipped)
      io.out(`skipped ${s.serialNumber || s.id} (${s.operatingSystem}): ${s.reason}`);
    io.out(`${out}: ${inventory.devices.length} devices, ${inventory.skipped.length} skipped`);
    return EXIT_OK;
  },
};
