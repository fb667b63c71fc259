import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { optionalText } from './env-values';

/**
 * The keys the payload codec (src/temporal/codec) encrypts Temporal payloads with: `FERRY_PAYLOAD_KEYS`,
 * a comma-separated list of `KEYID:BASE64KEY`, or `FERRY_PAYLOAD_KEYS_FILE`, a file with one
 * `KEYID:BASE64KEY` per line (blank lines and `#` comments ignored). The first key encrypts; every key
 * decrypts the payloads that name its id, so a key rotates by putting the new one first and keeping the
 * old ones. A key is a secret: problems name the key id (or the entry / line number when the id itself is
 * unreadable, since a malformed entry may be a pasted key), never a key's value.
 *
 * `FERRY_CODEC_SERVER_TOKEN` is the bearer token `ferry codec-server` asks of the Web UI and the CLI.
 */

export interface PayloadKeys {
  /** The id of the key new payloads are encrypted with (the first one given). */
  current: string;
  /** Every configured key by id, the current one included: 32 bytes each (AES-256). */
  keys: Map<string, Buffer>;
}

export const PAYLOAD_KEYS_ENV = {
  list: 'FERRY_PAYLOAD_KEYS',
  file: 'FERRY_PAYLOAD_KEYS_FILE',
  codecServerToken: 'FERRY_CODEC_SERVER_TOKEN',
} as const;

export const PAYLOAD_KEY_KEYS: readonly string[] = Object.values(PAYLOAD_KEYS_ENV);

/** AES-256. */
export const PAYLOAD_KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** A bearer token shorter than this could be guessed by whoever reaches the codec server's port. */
export const CODEC_SERVER_TOKEN_MIN_LENGTH = 16;

const keyId = z.string().regex(KEY_ID_PATTERN, 'key id must be 1 to 64 of A-Z a-z 0-9 . _ -');

/** Standard or URL-safe base64, padding optional; Buffer.from alone would skip any stray character. */
const base64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'key is not base64')
  .transform((text) => Buffer.from(text, 'base64'))
  .refine((key) => key.length === PAYLOAD_KEY_BYTES, {
    message: `key must decode to exactly ${PAYLOAD_KEY_BYTES} bytes (AES-256)`,
  });

/** One `KEYID:BASE64KEY` entry; a problem's message never holds the key. */
const keyEntry = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const colon = text.indexOf(':');
    if (colon < 0) {
      ctx.addIssue({ code: 'custom', message: 'expected KEYID:BASE64KEY' });
      return z.NEVER;
    }
    const id = keyId.safeParse(text.slice(0, colon).trim());
    if (!id.success) {
      ctx.addIssue({ code: 'custom', message: id.error.issues[0]!.message });
      return z.NEVER;
    }
    const key = base64Key.safeParse(text.slice(colon + 1).trim());
    if (!key.success) {
      ctx.addIssue({ code: 'custom', message: key.error.issues[0]!.message, path: [id.data] });
      return z.NEVER;
    }
    return { id: id.data, key: key.data };
  });

/** Where an entry came from, for the problem: `entry 2` of the list, `line 7` of the file. */
interface Located {
  text: string;
  where: string;
}

/** The keys of `entries` in order, or the problems (prefixed with `source`); the first key is current. */
function keysOf(source: string, entries: Located[]): { payloadKeys?: PayloadKeys; problems: string[] } {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const firstSeen = new Map<string, string>();
  for (const { text, where } of entries) {
    const parsed = keyEntry.safeParse(text);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const id = issue.path[0];
      problems.push(
        `${source}: ${where}${id === undefined ? '' : ` (key id "${String(id)}")`}: ${issue.message}`,
      );
      continue;
    }
    const { id, key } = parsed.data;
    const earlier = firstSeen.get(id);
    if (earlier) {
      problems.push(`${source}: ${where}: key id "${id}" is already used by ${earlier}`);
      continue;
    }
    firstSeen.set(id, where);
    keys.set(id, key);
  }
  if (entries.length === 0) problems.push(`${source}: holds no key (expected KEYID:BASE64KEY)`);
  if (problems.length > 0) return { problems };
  return { payloadKeys: { current: [...keys.keys()][0]!, keys }, problems };
}

/** `FERRY_PAYLOAD_KEYS`: comma-separated entries, numbered from 1. */
export function parsePayloadKeyList(text: string, source: string = PAYLOAD_KEYS_ENV.list) {
  const entries = text.split(',').map((entry, i) => ({ text: entry, where: `entry ${i + 1}` }));
  return keysOf(source, entries);
}

/** The file's text: one entry per line, numbered from 1 as an editor does; blanks and `#` comments skipped. */
export function parsePayloadKeyFile(text: string, source: string = PAYLOAD_KEYS_ENV.file) {
  const entries = text
    .split(/\r?\n/)
    .map((line, i) => ({ text: line, where: `line ${i + 1}` }))
    .filter(({ text: line }) => line.trim() !== '' && !line.trim().startsWith('#'));
  return keysOf(source, entries);
}

function readError(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? 'unreadable');
  return `${PAYLOAD_KEYS_ENV.file}: cannot read ${file}: ${reason}`;
}

const token = z
  .string()
  .optional()
  .transform((v) => v?.trim() || undefined)
  .pipe(
    z
      .string()
      .min(CODEC_SERVER_TOKEN_MIN_LENGTH, `must be at least ${CODEC_SERVER_TOKEN_MIN_LENGTH} characters`)
      .optional(),
  );

/**
 * The payload keys and the codec server's token from the environment, with every problem (by key, entry
 * or line; never a value). Neither key set: no payloadKeys, payloads stay as they are.
 */
export function readPayloadKeysEnv(
  env: Record<string, string | undefined>,
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): { payloadKeys?: PayloadKeys; codecServerToken?: string; problems: string[] } {
  const list = optionalText.parse(env[PAYLOAD_KEYS_ENV.list]);
  const file = optionalText.parse(env[PAYLOAD_KEYS_ENV.file]);
  const tokenRead = token.safeParse(env[PAYLOAD_KEYS_ENV.codecServerToken]);
  const problems = tokenRead.success
    ? []
    : [`${PAYLOAD_KEYS_ENV.codecServerToken}: ${tokenRead.error.issues[0]!.message}`];
  const codecServerToken = tokenRead.success ? tokenRead.data : undefined;
  if (list && file) {
    problems.push(
      `${PAYLOAD_KEYS_ENV.file}: set ${PAYLOAD_KEYS_ENV.list} or ${PAYLOAD_KEYS_ENV.file}, not both`,
    );
    return { problems };
  }
  let read: { payloadKeys?: PayloadKeys; problems: string[] } = { problems: [] };
  if (list) read = parsePayloadKeyList(list);
  if (file) {
    let text: string | undefined;
    try {
      text = readFile(file);
    } catch (err) {
      problems.push(readError(file, err));
    }
    if (text !== undefined) read = parsePayloadKeyFile(text);
  }
  problems.push(...read.problems);
  return problems.length > 0 ? { problems } : { payloadKeys: read.payloadKeys, codecServerToken, problems };
}

/** A new key as one `KEYID:BASE64KEY` line: the id is `k`, today's date and a random suffix. */
export function freshPayloadKeyLine(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const id = `k${day}-${randomBytes(3).toString('hex')}`;
  return `${id}:${randomBytes(PAYLOAD_KEY_BYTES).toString('base64')}`;
}
