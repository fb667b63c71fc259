/**
 * loadConfig against any environment under Ferry's prefixes: a configuration, or a ConfigError whose
 * every problem names a key; never another error, and never a secret's value in the message.
 */
import fc from 'fast-check';
import { ConfigError, KNOWN_KEYS, loadConfig, type FerryConfig } from '../../src/config';

const PREFIXES = [
  'FERRY_',
  'FERRY_SMTP_',
  'WS1_TARGET_',
  'WS1_SOURCE_',
  'WS1_',
  'ABM_',
  'INTUNE_',
  'TEMPORAL_',
  'SMTP_',
];

/** Keys whose values are secrets (the ones Ferry reads, and unknown ones named like them). */
const SECRET_KEYS = [
  ...KNOWN_KEYS.filter((k) => /PASSWORD|SECRET|API_KEY|TOKEN$|PAYLOAD_KEYS$|QR_PAYLOAD|STORE_URL$/.test(k)),
  'FERRY_SMTP_PASSWORD',
  'WS1_TARGET_PASWORD',
  'INTUNE_CLIENT_SECRET_VALUE',
  'ABM_SECRET',
];

const keySuffix = fc.stringMatching(/^[A-Z0-9_]{1,24}$/);

/** A key Ferry reads, one a letter off, or any name under one of the prefixes. */
const envKey = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_KEYS), weight: 6 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...KNOWN_KEYS), fc.nat(), fc.constantFrom('', 'X', '_'))
      .map(([key, at, letter]) => {
        const i = at % key.length;
        return key.slice(0, i) + letter + key.slice(i + 1);
      }),
    weight: 2,
  },
  { arbitrary: fc.tuple(fc.constantFrom(...PREFIXES), keySuffix).map(([p, s]) => p + s), weight: 2 },
);

/** Values an operator or a broken deployment may set: blank, numbers out of range, bad URLs, huge, any text. */
const envValue = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t \n',
    '0',
    '-1',
    '65536',
    '99999999999999999999',
    '1e400',
    'NaN',
    'Infinity',
    '3.5',
    'true',
    'YES',
    'off',
    'debug',
    'LOUD',
    '30 days',
    '0 days',
    '12',
    'https://as1234.awmdm.example',
    'http://[',
    'not a url',
    '{}',
    '[]',
    '{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":1}',
    '.',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.webUrl(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'é'.repeat(n)),
);

/** A secret value: long enough that finding it in a message cannot be chance; spaces around it at times. */
const secretValue = fc
  .tuple(
    fc.string({
      unit: fc.oneof(
        fc.constantFrom('=', ':', ',', '/', '+'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      minLength: 12,
      maxLength: 60,
    }),
    fc.constantFrom('', ' ', '\t'),
  )
  .filter(([s]) => s.trim().length >= 12)
  .map(([s, pad]) => pad + s + pad);

/** Payload key lists (FERRY_PAYLOAD_KEYS): ids and base64 keys of any length, some entries garbled. */
const payloadKeyEntry = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9._-]{0,10}$/), fc.uint8Array({ minLength: 12, maxLength: 48 }))
    .map(([id, key]) => `${id}:${Buffer.from(key).toString('base64')}`),
  fc.uint8Array({ minLength: 12, maxLength: 48 }).map((key) => Buffer.from(key).toString('base64')),
  secretValue,
);
const payloadKeys = fc
  .array(payloadKeyEntry, { minLength: 1, maxLength: 4 })
  .map((entries) => entries.join(','));

/** An environment: random keys and values, secrets set among them, and at times a whole block filled in. */
const environment = fc
  .record({
    random: fc.dictionary(envKey, envValue, { maxKeys: 12 }),
    secrets: fc.dictionary(fc.constantFrom(...SECRET_KEYS), secretValue, { maxKeys: 4 }),
    payloadKeys: fc.option(payloadKeys),
    block: fc.option(
      fc
        .constantFrom('WS1_TARGET_', 'WS1_SOURCE_', 'FERRY_SMTP_', 'ABM_', 'INTUNE_')
        .chain((prefix) =>
          fc.record(
            Object.fromEntries(
              KNOWN_KEYS.filter((k) => k.startsWith(prefix)).map((k) => [k, envValue]),
            ) as Record<string, fc.Arbitrary<string>>,
          ),
        ),
    ),
  })
  .map(({ random, secrets, payloadKeys: keys, block }) => {
    const env: Record<string, string> = { ...block, ...random, ...secrets };
    if (keys !== null) env.FERRY_PAYLOAD_KEYS = keys;
    return { env, secrets: secretTexts(secrets, keys) };
  });

/**
 * The secret texts a message must not hold: each drawn secret (as set and trimmed), and the key
 * material of each payload key entry. A random value in another key may be echoed: it is not a secret.
 */
function secretTexts(secrets: Record<string, string>, payloadKeyList: string | null): string[] {
  const found = Object.values(secrets).flatMap((value) => [value, value.trim()]);
  for (const entry of payloadKeyList?.split(',') ?? []) {
    const material = entry.slice(entry.indexOf(':') + 1).trim();
    if (material.length >= 12) found.push(material);
  }
  return found;
}

const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/);
const port = fc.integer({ min: 1, max: 65535 }).map(String);
const aesKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((k) => Buffer.from(k).toString('base64'));

/**
 * A working environment (a target with Basic or OAuth credentials, SMTP, ABM, Intune, payload keys, a
 * codec token), then at times one key set to any value: the leak to fear is a secret quoted in the
 * problem of its neighbour.
 */
const workingEnvironment = fc
  .record({
    target: fc.oneof(
      fc.record({ WS1_TARGET_USERNAME: word, WS1_TARGET_PASSWORD: secretValue }),
      fc.record({
        WS1_TARGET_OAUTH_TOKEN_URL: fc.webUrl(),
        WS1_TARGET_OAUTH_CLIENT_ID: word,
        WS1_TARGET_OAUTH_CLIENT_SECRET: secretValue,
      }),
    ),
    tenant: fc.record({
      WS1_TARGET_BASE_URL: fc.webUrl(),
      WS1_TARGET_TENANT_CODE: word,
      WS1_TARGET_GROUP_ID: word,
    }),
    smtp: fc.record({
      FERRY_SMTP_HOST: fc.domain(),
      FERRY_SMTP_PORT: port,
      FERRY_SMTP_FROM: fc.emailAddress(),
      FERRY_SMTP_USER: word,
      FERRY_SMTP_PASSWORD: secretValue,
    }),
    abm: fc.record({
      ABM_CLIENT_ID: word,
      ABM_KEY_ID: word,
      ABM_PRIVATE_KEY_PATH: word,
      ABM_TARGET_SERVER_ID: word,
    }),
    intune: fc.option(
      fc.record({ INTUNE_TENANT_ID: word, INTUNE_CLIENT_ID: word, INTUNE_CLIENT_SECRET: secretValue }),
    ),
    keys: fc.array(fc.tuple(word, aesKey), { minLength: 1, maxLength: 3 }),
    codecToken: secretValue,
    apiKey: secretValue,
    change: fc.option(fc.tuple(envKey, envValue)),
  })
  .map(({ target, tenant, smtp, abm, intune, keys, codecToken, apiKey, change }) => {
    const secrets: Record<string, string> = {
      FERRY_CODEC_SERVER_TOKEN: codecToken,
      TEMPORAL_API_KEY: apiKey,
      ...Object.fromEntries(
        Object.entries({ ...target, ...smtp, ...intune }).filter(([k]) => /PASSWORD|SECRET/.test(k)),
      ),
    };
    const keyList = keys.map(([id, key]) => `${id}:${key}`).join(',');
    const env: Record<string, string> = {
      ...target,
      ...tenant,
      ...smtp,
      ...abm,
      ...intune,
      ...secrets,
      FERRY_PAYLOAD_KEYS: keyList,
    };
    if (change) env[change[0]] = change[1];
    // A secret overwritten by the change is no longer in the environment.
    const kept = Object.fromEntries(Object.entries(secrets).filter(([k]) => env[k] === secrets[k]));
    return { env, secrets: secretTexts(kept, env.FERRY_PAYLOAD_KEYS === keyList ? keyList : null) };
  });

function expectSaneConfig(config: FerryConfig): void {
  for (const port of [config.devServer.port, config.devServer.uiPort]) {
    expect(Number.isInteger(port) && port >= 1 && port <= 65535).toBe(true);
  }
  expect(Number.isInteger(config.worker.maxConcurrentActivities)).toBe(true);
  expect(config.worker.maxConcurrentActivities).toBeGreaterThan(0);
  expect(Number.isFinite(config.deviceListRetentionMs) && config.deviceListRetentionMs > 0).toBe(true);
  expect(config.taskQueue.trim()).not.toBe('');
}

/** A config that makes sense, or a ConfigError whose every problem names a key and no secret. */
function expectConfigOrNamedError({
  env,
  secrets,
}: {
  env: Record<string, string>;
  secrets: string[];
}): void {
  let config: FerryConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const { problems, message } = err as ConfigError;
    expect(problems.length).toBeGreaterThan(0);
    const keys = new Set([...KNOWN_KEYS, ...Object.keys(env)]);
    for (const problem of problems) {
      const key = /^([A-Z0-9_]+): \S/.exec(problem)?.[1];
      expect({ problem, names: key !== undefined && keys.has(key) }).toEqual({ problem, names: true });
    }
    for (const secret of secrets) expect(message.includes(secret)).toBe(false);
    return;
  }
  expectSaneConfig(config);
}

describe('loadConfig, fuzzed', () => {
  it('when the environment holds any keys and values, then a config or a ConfigError naming keys, never a secret', () => {
    fc.assert(fc.property(environment, expectConfigOrNamedError), { numRuns: 300 });
  });

  it('when one key of a working environment is set to anything, then a config or a ConfigError without secrets', () => {
    fc.assert(fc.property(workingEnvironment, expectConfigOrNamedError), { numRuns: 300 });
  });
});
