import { readFileSync, writeFileSync } from 'node:fs';
import { freshPayloadKeyLine, parsePayloadKeyFile, type PayloadKeys } from '../../config/payload-keys';

/**
 * A payload key file that exists from the first run on (the demo's `<stateDir>/payload-keys`): created
 * owner-only with one fresh key when absent, then read as FERRY_PAYLOAD_KEYS_FILE would be, so that every
 * later run encrypts with, and can read the histories of, the same key.
 */
export function ensurePayloadKeyFile(file: string): PayloadKeys {
  try {
    // 'wx': never overwrites; a second process that lost the race reads the winner's key below.
    writeFileSync(
      file,
      `# Ferry payload keys (KEYID:BASE64KEY, the first encrypts). Keep this file secret.\n${freshPayloadKeyLine()}\n`,
      { flag: 'wx', mode: 0o600 },
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const read = parsePayloadKeyFile(readFileSync(file, 'utf8'), file);
  if (!read.payloadKeys) throw new Error(read.problems.join('; '));
  return read.payloadKeys;
}
