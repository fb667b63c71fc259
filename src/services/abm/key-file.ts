import { statSync } from 'node:fs';
import type { Logger } from '../../logger';
import { modeText, readableByOthers } from '../shared/private-files';

/**
 * The ABM private key signs Ferry's client assertions: whoever reads it can move every device of the
 * organization between MDM servers. A key file group or others may read or write is worth a warning at
 * start-up (not a refusal: a container may mount it as its owner sees fit). The warning names the file
 * and its mode, never its content.
 */

/** The key file's mode when group or others may read or write it; undefined when it is owner-only. */
export function looseKeyFileMode(keyPath: string): number | undefined {
  // Windows has no POSIX modes: every file reads as 0666.
  if (process.platform === 'win32') return undefined;
  const mode = statSync(keyPath).mode & 0o777;
  return readableByOthers(mode) ? mode : undefined;
}

export function warnIfKeyFileOpen(keyPath: string, logger: Logger): void {
  const mode = looseKeyFileMode(keyPath);
  if (mode === undefined) return;
  logger.warn(
    { keyFile: keyPath, mode: modeText(mode) },
    'the ABM private key file is readable or writable by group or others: chmod 600 it',
  );
}
