import { z } from 'zod';
import {
  checkUnique,
  emailText,
  NOT_UTF8,
  readListFile,
  readTable,
  tableIssues,
  text,
  validateRows,
  type ColumnSpec,
  type DeviceListIssue,
} from './list-file';
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

/** An enum cell: case-insensitive, spaces and hyphens read as underscores (`Work Profile`). */
function choice<T extends string>(values: readonly T[], noun: string) {
  return text().transform((raw, ctx): T => {
    const value = raw.toLowerCase().replace(/[\s-]+/g, '_');
    if ((values as readonly string[]).includes(value)) return value as T;
    ctx.addIssue({ code: 'custom', input: raw, message: `"${raw}" is not ${noun} (${values.join(', ')})` });
    return z.NEVER;
  });
}

const KINDS_BY_PLATFORM: Record<Platform, readonly EnrollmentKind[]> = {
  ios: ['ade', 'standard'],
  android: ['legacy', 'work_profile', 'fully_managed'],
};

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
    serial_number: text(),
    platform: choice(PLATFORMS, 'a platform'),
    enrollment_kind: choice(ENROLLMENT_KINDS, 'an enrollment kind'),
    user_email: emailText(),
    udid: text().optional(),
    imei: text().optional(),
    model: text().optional(),
    friendly_name: text().optional(),
    source_device_id: text().optional(),
  })
  .superRefine(
    (row, ctx) => {
      const kinds = KINDS_BY_PLATFORM[row.platform];
      if (kinds.includes(row.enrollment_kind)) return;
      const message = `"${row.enrollment_kind}" is not an enrollment kind for ${row.platform} (${kinds.join(', ')})`;
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
  return { devices, ...tableIssues(table, 'devices') };
}

/** Reads and parses a device list file; a file that cannot be read throws (ENOENT and the like). */
export function readDeviceList(path: string): Promise<DeviceListResult> {
  return readListFile(path, parseDeviceList, { devices: [], errors: [NOT_UTF8], warnings: [] });
}
