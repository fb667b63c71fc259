import { loadConfig, ConfigError } from '../../src/config';
import {
  freshPayloadKeyLine,
  parsePayloadKeyFile,
  parsePayloadKeyList,
  readPayloadKeysEnv,
} from '../../src/config/payload-keys';

const key = (byte: number, bytes = 32) => Buffer.alloc(bytes, byte).toString('base64');
const KEY_A = key(1);
const KEY_B = key(2);

/** Every problem, checked never to quote a key's value. */
function problemsOf(env: Record<string, string>, files: Record<string, string> = {}): string[] {
  const { problems } = readPayloadKeysEnv(env, (file) => {
    if (!(file in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return files[file]!;
  });
  for (const problem of problems) {
    for (const value of [KEY_A, KEY_B, key(3, 16), 'not*base64', 'c2VjcmV0'])
      expect(problem).not.toContain(value);
  }
  return problems;
}

describe('payload keys', () => {
  test('when FERRY_PAYLOAD_KEYS lists two keys, then the first is current and both decrypt', () => {
    const { payloadKeys, problems } = readPayloadKeysEnv({
      FERRY_PAYLOAD_KEYS: ` k2:${KEY_B} , k1:${KEY_A}`,
    });
    expect(problems).toEqual([]);
    expect(payloadKeys!.current).toBe('k2');
    expect([...payloadKeys!.keys.keys()]).toEqual(['k2', 'k1']);
    expect(payloadKeys!.keys.get('k1')!.equals(Buffer.alloc(32, 1))).toBe(true);
  });

  test('when the keys come from a file, then comments and blank lines are skipped and the first key is current', () => {
    const text = `# rotated 2025-06\n\nk-new:${KEY_B}\n  # old one\nk-old:${KEY_A}\n`;
    const { payloadKeys, problems } = readPayloadKeysEnv({ FERRY_PAYLOAD_KEYS_FILE: '/keys' }, () => text);
    expect(problems).toEqual([]);
    expect(payloadKeys!.current).toBe('k-new');
    expect([...payloadKeys!.keys.keys()]).toEqual(['k-new', 'k-old']);
  });

  test('when neither key is set (or both are blank), then there are no payload keys and no problem', () => {
    expect(readPayloadKeysEnv({})).toEqual({ problems: [] });
    expect(readPayloadKeysEnv({ FERRY_PAYLOAD_KEYS: ' ', FERRY_PAYLOAD_KEYS_FILE: '' })).toEqual({
      problems: [],
    });
  });

  test('when a key decodes to other than 32 bytes, then the problem names the entry and the key id, not the key', () => {
    expect(problemsOf({ FERRY_PAYLOAD_KEYS: `k1:${KEY_A},short:${key(3, 16)}` })).toEqual([
      'FERRY_PAYLOAD_KEYS: entry 2 (key id "short"): key must decode to exactly 32 bytes (AES-256)',
    ]);
    expect(problemsOf({ FERRY_PAYLOAD_KEYS: 'k1:not*base64' })).toEqual([
      'FERRY_PAYLOAD_KEYS: entry 1 (key id "k1"): key is not base64',
    ]);
  });

  test('when an entry has no id or a bad one, then the problem names the entry or line without quoting it', () => {
    expect(problemsOf({ FERRY_PAYLOAD_KEYS: KEY_A })).toEqual([
      'FERRY_PAYLOAD_KEYS: entry 1: expected KEYID:BASE64KEY',
    ]);
    expect(
      problemsOf(
        { FERRY_PAYLOAD_KEYS_FILE: '/k' },
        { '/k': `# c\nk1:${KEY_A}\nc2VjcmV0 x:${KEY_B}\n:${KEY_B}` },
      ),
    ).toEqual([
      'FERRY_PAYLOAD_KEYS_FILE: line 3: key id must be 1 to 64 of A-Z a-z 0-9 . _ -',
      'FERRY_PAYLOAD_KEYS_FILE: line 4: key id must be 1 to 64 of A-Z a-z 0-9 . _ -',
    ]);
    expect(problemsOf({ FERRY_PAYLOAD_KEYS: `${'k'.repeat(65)}:${KEY_A}` })).toEqual([
      'FERRY_PAYLOAD_KEYS: entry 1: key id must be 1 to 64 of A-Z a-z 0-9 . _ -',
    ]);
  });

  test('when a key id appears twice, then the problem names the id and both places', () => {
    expect(problemsOf({ FERRY_PAYLOAD_KEYS_FILE: '/k' }, { '/k': `k1:${KEY_A}\n\nk1:${KEY_B}\n` })).toEqual([
      'FERRY_PAYLOAD_KEYS_FILE: line 3: key id "k1" is already used by line 1',
    ]);
  });

  test('when both keys are set, the file is missing or holds no key, then each is a problem', () => {
    expect(problemsOf({ FERRY_PAYLOAD_KEYS: `k1:${KEY_A}`, FERRY_PAYLOAD_KEYS_FILE: '/k' })).toEqual([
      'FERRY_PAYLOAD_KEYS_FILE: set FERRY_PAYLOAD_KEYS or FERRY_PAYLOAD_KEYS_FILE, not both',
    ]);
    expect(problemsOf({ FERRY_PAYLOAD_KEYS_FILE: '/missing' })).toEqual([
      'FERRY_PAYLOAD_KEYS_FILE: cannot read /missing: no such file',
    ]);
    expect(problemsOf({ FERRY_PAYLOAD_KEYS_FILE: '/k' }, { '/k': '# nothing yet\n\n' })).toEqual([
      'FERRY_PAYLOAD_KEYS_FILE: holds no key (expected KEYID:BASE64KEY)',
    ]);
  });

  test('when the codec server token is short, then it is a problem that does not quote it', () => {
    expect(problemsOf({ FERRY_CODEC_SERVER_TOKEN: 'c2VjcmV0' })).toEqual([
      'FERRY_CODEC_SERVER_TOKEN: must be at least 16 characters',
    ]);
    expect(readPayloadKeysEnv({ FERRY_CODEC_SERVER_TOKEN: 'x'.repeat(32) }).codecServerToken).toBe(
      'x'.repeat(32),
    );
  });

  test('when loadConfig reads a bad key, then it is listed with the other problems and the keys are known keys', () => {
    expect(loadConfig({ FERRY_PAYLOAD_KEYS: `k1:${KEY_A}` }).payloadKeys!.current).toBe('k1');
    expect(loadConfig({}).payloadKeys).toBeUndefined();
    let error: ConfigError | undefined;
    try {
      loadConfig({ FERRY_PAYLOAD_KEYS: `k1:${key(3, 16)}`, FERRY_TASK_QUEUE: ' ' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toContain(
      'FERRY_PAYLOAD_KEYS: entry 1 (key id "k1"): key must decode to exactly 32 bytes (AES-256)',
    );
    expect(error!.problems.some((p) => p.startsWith('FERRY_TASK_QUEUE'))).toBe(true);
    expect(error!.message).not.toContain(key(3, 16));
  });

  test('when ferry codec-key makes a line, then it parses as one 32-byte key with a dated id', () => {
    const line = freshPayloadKeyLine(new Date('2025-06-14T10:00:00Z'));
    const { payloadKeys, problems } = parsePayloadKeyList(line);
    expect(problems).toEqual([]);
    expect(payloadKeys!.current).toMatch(/^k20250614-[0-9a-f]{6}$/);
    expect(payloadKeys!.keys.get(payloadKeys!.current)).toHaveLength(32);
    expect(freshPayloadKeyLine()).not.toBe(freshPayloadKeyLine());
    expect(parsePayloadKeyFile(`${line}\n${freshPayloadKeyLine()}`).problems).toEqual([]);
  });
});
