import { freshPayloadKeyLine } from '../../config/payload-keys';
import { EXIT_OK, type Command } from './command';

/** `ferry codec-key`: a new payload key line to put first in FERRY_PAYLOAD_KEYS or its file. */

const USAGE = `Usage: ferry codec-key

Prints a new random AES-256 payload key as one KEYID:BASE64KEY line (the id is k, today's date and a
random suffix). Put it first in FERRY_PAYLOAD_KEYS (comma-separated) or in FERRY_PAYLOAD_KEYS_FILE
(one per line) on every worker, CLI and codec server, and keep the older keys after it: they still
decrypt the payloads written under them. The line is a secret: store it as one.

Options:
  -h, --help  show this help`;

export const codecKeyCommand: Command = {
  usage: USAGE,
  options: {},
  async run(_args, io) {
    io.out(freshPayloadKeyLine());
    return EXIT_OK;
  },
};
