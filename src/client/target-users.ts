import { z } from 'zod';
import {
  NOT_UTF8,
  checkUnique,
  emailText,
  quote,
  readListFile,
  readTable,
  tableIssues,
  text,
  validateRows,
  type ColumnSpec,
  type DeviceListIssue,
} from './list-file';

/**
 * The target users file (SPEC §1), which seeds a simulated target tenant for the demo or a rehearsal:
 * CSV with a header `email` and optional `username`, `display_name`, or a JSON array of the same. Read
 * and reported exactly like the device list (same lines, items, fields and messages).
 */

export interface TargetUserSeed {
  email: string;
  username?: string;
  displayName?: string;
}

export interface TargetUsersResult {
  users: TargetUserSeed[];
  errors: DeviceListIssue[];
  warnings: DeviceListIssue[];
}

const TARGET_USER_COLUMNS: ColumnSpec = {
  required: ['email'],
  optional: ['username', 'display_name'],
};

const userRowSchema = z
  .object({
    email: emailText(),
    username: text()
      .regex(/^\S+$/, { error: (iss) => `${quote(String(iss.input))} must not contain spaces` })
      .optional(),
    display_name: text().optional(),
  })
  .transform((row): TargetUserSeed => ({
    email: row.email,
    ...(row.username !== undefined && { username: row.username }),
    ...(row.display_name !== undefined && { displayName: row.display_name }),
  }));

export function parseTargetUsers(text: string, fileName?: string): TargetUsersResult {
  const table = readTable(text, TARGET_USER_COLUMNS, fileName);
  // The target matches users by email (case-insensitively) and requires unique usernames.
  checkUnique(table, 'email');
  checkUnique(table, 'username');
  const users: TargetUserSeed[] = [];
  validateRows(table, userRowSchema, (user) => users.push(user));
  return { users, ...tableIssues(table, 'users') };
}

/** Reads and parses a target users file; a file that cannot be read throws (ENOENT and the like). */
export function readTargetUsers(path: string): Promise<TargetUsersResult> {
  return readListFile(path, parseTargetUsers, { users: [], errors: [NOT_UTF8], warnings: [] });
}
