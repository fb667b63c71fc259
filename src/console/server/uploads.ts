import { randomUUID } from 'node:crypto';
import type { DeviceInput } from '../../workflows/device/messages';
import { listCounts, type DeviceListResult } from '../../client/device-list';
import type { DeviceListIssue } from '../../client/list-file';
import { notFound } from './errors';

/**
 * Device lists uploaded to the console, kept in memory between the wizard's steps (validate, preflight,
 * start) and forgotten after an hour or when newer ones push them out: they hold users' emails.
 */

/** A device list's size at most: 10,000 devices take about 1.5 MB. */
export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
const KEPT = 20;
const KEPT_MS = 60 * 60_000;

export interface Upload {
  id: string;
  devices: DeviceInput[];
  ok: boolean;
  at: number;
}

export interface UploadProblem extends DeviceListIssue {
  severity: 'error' | 'warning';
}

export class Uploads {
  private readonly kept = new Map<string, Upload>();

  add(list: DeviceListResult, now = Date.now()): Upload {
    for (const [id, upload] of this.kept) if (now - upload.at > KEPT_MS) this.kept.delete(id);
    while (this.kept.size >= KEPT) this.kept.delete(this.kept.keys().next().value!);
    const upload = { id: randomUUID(), devices: list.devices, ok: list.errors.length === 0, at: now };
    this.kept.set(upload.id, upload);
    return upload;
  }

  /** A valid upload (one with errors cannot be checked or started), or a 404 saying why. */
  get(id: string, now = Date.now()): Upload {
    const upload = this.kept.get(id);
    if (!upload || now - upload.at > KEPT_MS)
      throw notFound('no such upload (uploads are kept for an hour): upload the list again');
    return upload;
  }
}

/** What `ferry validate --json` says, for the wizard: every problem by line and field, and the counts. */
export function uploadAnswer(upload: Upload, list: DeviceListResult) {
  const problems: UploadProblem[] = [
    ...list.errors.map((issue) => ({ ...issue, severity: 'error' as const })),
    ...list.warnings.map((issue) => ({ ...issue, severity: 'warning' as const })),
  ].sort((a, b) => a.line - b.line);
  return {
    uploadId: upload.id,
    ok: upload.ok,
    devices: list.devices.length,
    ...listCounts(list.devices),
    problems,
  };
}
