import { z } from 'zod';
import {
  checkedText,
  checkUnique,
  emailText,
  NOT_UTF8,
  quote,
  readListFile,
  readTable,
  tableIssues,
  text,
  validateRows,
  type ColumnSpec,
  type DeviceListIssue,
  type Table,
} from './list-file';
import { imeiCheckDigitWarning, imeiProblem, serialProblem, textProblem, udidProblem } from './device-fields';
import {
  ENROLLMENT_KINDS,
  PLATFORMS,
  type DeviceInput,
  type EnrollmentKind,
  type Platform,
} from '../workflows/device/messages';

/**
 * The device list file (SPEC §1): CSV with a header row or a JSON array of objects. Every problem is
 * collected with the line (CSV) or item (JSON) and the field it concerns; a message may quote the bad
 * value of the bad field, never a whole row (rows hold users' emails). The generic half (CSV/JSON
 * reading, issues, uniqueness) is shared with the target users file.
 */

export interface DeviceListResult {
  devices: DeviceInput[];
  errors: DeviceListIssue[];
  warnings: DeviceListIssue[];
}

/**
 * An enum cell: case-insensitive, spaces and hyphens read as underscores (`Work Profile`). A refusal lists
 * `shown`: the values an admin would write (not what only a source writes).
 */
function choice<T extends string>(values: readonly T[], noun: string, shown: readonly string[] = values) {
  return text().transform((raw, ctx): T => {
    const value = raw.toLowerCase().replace(/[\s-]+/g, '_');
    if ((values as readonly string[]).includes(value)) return value as T;
    ctx.addIssue({
      code: 'custom',
      input: raw,
      message: `${quote(raw)} is not ${noun} (${shown.join(', ')})`,
    });
    return z.NEVER;
  });
}

/** Android's `unknown` is what a source that cannot tell writes (see warnUnknownKinds). */
const KINDS_BY_PLATFORM: Record<Platform, readonly EnrollmentKind[]> = {
  ios: ['ade', 'standard'],
  android: ['legacy', 'work_profile', 'fully_managed', 'unknown'],
};

const DECLARED_KINDS = ENROLLMENT_KINDS.filter((k) => k !== 'unknown');

export const UNKNOWN_KIND_WARNING =
  'Android enrollment kind unknown: declare it in the device list (work_profile, fully_managed or legacy); ' +
  'as is, the device fails at its first step and nothing is sent to it';

const OPTIONAL_FIELDS = {
  udid: 'udid',
  imei: 'imei',
  model: 'model',
  friendly_name: 'friendlyName',
  source_device_id: 'sourceDeviceId',
} as const;

const DEVICE_LIST_COLUMNS: ColumnSpec = {
  required: ['serial_number', 'platform', 'enrollment_kind', 'user_email'],
  optional: Object.keys(OPTIONAL_FIELDS),
};

const deviceRowSchema = z
  .object({
    // Every field is bounded (device-fields.ts): a value that passes here fits a workflow id, a query,
    // the target tenant and a report, so no row stalls the rollout later.
    serial_number: checkedText(serialProblem),
    platform: choice(PLATFORMS, 'a platform'),
    enrollment_kind: choice(ENROLLMENT_KINDS, 'an enrollment kind', DECLARED_KINDS),
    user_email: emailText(),
    udid: checkedText(udidProblem).optional(),
    imei: checkedText(imeiProblem).optional(),
    model: checkedText((v) => textProblem(v, 'a model')).optional(),
    friendly_name: checkedText((v) => textProblem(v, 'a friendly name')).optional(),
    source_device_id: checkedText((v) => textProblem(v, 'a source device id')).optional(),
  })
  .superRefine(
    (row, ctx) => {
      const kinds = KINDS_BY_PLATFORM[row.platform];
      if (kinds.includes(row.enrollment_kind)) return;
      const declared = kinds.filter((k) => k !== 'unknown').join(', ');
      const message = `"${row.enrollment_kind}" is not an enrollment kind for ${row.platform} (${declared})`;
      ctx.addIssue({ code: 'custom', path: ['enrollment_kind'], message });
    },
    // Runs beside other fields' issues, once platform and kind are each valid.
    { when: (p) => !p.issues.some((i) => i.path?.[0] === 'platform' || i.path?.[0] === 'enrollment_kind') },
  )
  .transform((row): DeviceInput => {
    const device: DeviceInput = {
      serialNumber: row.serial_number,
      platform: row.platform,
      enrollmentKind: row.enrollment_kind,
      userEmail: row.user_email,
    };
    for (const [column, key] of Object.entries(OPTIONAL_FIELDS)) {
      const value = row[column as keyof typeof OPTIONAL_FIELDS];
      if (value !== undefined) device[key] = value;
    }
    return device;
  });

export function parseDeviceList(text: string, fileName?: string): DeviceListResult {
  const table = readTable(text, DEVICE_LIST_COLUMNS, fileName);
  checkUnique(table, 'serial_number');
  const devices: DeviceInput[] = [];
  validateRows(table, deviceRowSchema, (device) => devices.push(device));
  warnImeiCheckDigits(table);
  warnUnknownKinds(table);
  return { devices, ...tableIssues(table, 'devices') };
}

/**
 * A warning, not an error: a Workspace ONE source never tells fully managed from work profile, so an error
 * would refuse a whole `ferry start --source workspace-one` for its Android devices; the iOS devices
 * migrate, and these fail closed with the same words until the admin declares their kind.
 */
function warnUnknownKinds(table: Table): void {
  for (const row of table.rows) {
    if (row.bad || String(row.values.enrollment_kind).toLowerCase() !== 'unknown') continue;
    table.warnings.push({
      line: row.line,
      ...(table.unit === 'item' && { unit: 'item' }),
      field: 'enrollment_kind',
      message: UNKNOWN_KIND_WARNING,
    });
  }
}

/** A 15-digit IMEI whose check digit does not add up: likely mistyped, though Ferry does not rely on it. */
function warnImeiCheckDigits(table: Table): void {
  for (const row of table.rows) {
    const message = imeiCheckDigitWarning(row.values.imei);
    if (!message) continue;
    table.warnings.push({
      line: row.line,
      ...(table.unit === 'item' && { unit: 'item' }),
      field: 'imei',
      message,
    });
  }
}

/** How many devices per platform and per enrollment kind (every key, zeros included): `ferry validate`'s summary. */
export function listCounts(devices: DeviceInput[]) {
  const countBy = <K extends string>(keys: readonly K[], of: (d: DeviceInput) => K) => {
    const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
    for (const device of devices) counts[of(device)]++;
    return counts;
  };
  return {
    platforms: countBy(PLATFORMS, (d) => d.platform),
    kinds: countBy(ENROLLMENT_KINDS, (d) => d.enrollmentKind),
  };
}

/** Reads and parses a device list file; a file that cannot be read throws (ENOENT and the like). */
export function readDeviceList(path: string): Promise<DeviceListResult> {
  return readListFile(path, parseDeviceList, { devices: [], errors: [NOT_UTF8], warnings: [] });
}
