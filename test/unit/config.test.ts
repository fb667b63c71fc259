import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  test('when nothing is set, then the defaults apply and no tenant is configured', () => {
    const config = loadConfig({});
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default' });
    expect(config.taskQueue).toBe('ferry');
    expect(config.devServer).toEqual({ port: 7233, uiPort: 8233 });
    expect(config.target).toBeUndefined();
  });

  test('when a target tenant has Basic credentials, then the worker gets a typed tenant config', () => {
    const config = loadConfig({
      WS1_TARGET_BASE_URL: 'https://as1234.awmdm.com',
      WS1_TARGET_TENANT_CODE: 'code',
      WS1_TARGET_GROUP_ID: 'corp',
      WS1_TARGET_USERNAME: 'api',
      WS1_TARGET_PASSWORD: 'secret',
    });
    expect(config.target).toEqual({
      baseUrl: 'https://as1234.awmdm.com',
      tenantCode: 'code',
      groupId: 'corp',
      auth: { kind: 'basic', username: 'api', password: 'secret' },
    });
  });

  test('when several keys are wrong, then one error lists every key and none of the values', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        WS1_TARGET_BASE_URL: 'https://as1234.awmdm.com',
        WS1_TARGET_PASSWORD: 'hunter2-secret',
        FERRY_DEV_SERVER_PORT: '99999',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = error!.problems.map((p) => p.split(':')[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        'FERRY_DEV_SERVER_PORT',
        'LOG_LEVEL',
        'WS1_TARGET_TENANT_CODE',
        'WS1_TARGET_GROUP_ID',
        'WS1_TARGET_USERNAME',
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
      ]),
    );
    expect(error!.message).not.toContain('hunter2-secret');
  });

  test('when OAuth is configured instead of Basic, then the tenant uses client credentials', () => {
    const config = loadConfig({
      WS1_SOURCE_BASE_URL: 'https://as1.awmdm.com',
      WS1_SOURCE_TENANT_CODE: 'c',
      WS1_SOURCE_GROUP_ID: 'g',
      WS1_SOURCE_OAUTH_TOKEN_URL: 'https://na.uemauth.workspaceone.com/connect/token',
      WS1_SOURCE_OAUTH_CLIENT_ID: 'id',
      WS1_SOURCE_OAUTH_CLIENT_SECRET: 's',
    });
    expect(config.source?.auth).toEqual({
      kind: 'oauth',
      tokenUrl: 'https://na.uemauth.workspaceone.com/connect/token',
      clientId: 'id',
      clientSecret: 's',
    });
  });
});

describe('Apple Business Manager settings', () => {
  test('when only some ABM keys are set, then the missing ones are named', () => {
    expect(() => loadConfig({ ABM_CLIENT_ID: 'BUSINESSAPI.x', ABM_KEY_ID: 'k' })).toThrow(
      /ABM_PRIVATE_KEY_PATH: required with ABM_CLIENT_ID[\s\S]*ABM_TARGET_SERVER_ID: required with ABM_CLIENT_ID/,
    );
  });

  test('when all ABM keys are set, then the worker gets the ABM settings (the key stays a path)', () => {
    const config = loadConfig({
      ABM_CLIENT_ID: 'BUSINESSAPI.x',
      ABM_KEY_ID: 'k',
      ABM_PRIVATE_KEY_PATH: '/secrets/abm.pem',
      ABM_TARGET_SERVER_ID: 'SERVER1',
      ABM_SOURCE_SERVER_ID: 'SERVER0',
    });
    expect(config.abm).toEqual({
      clientId: 'BUSINESSAPI.x',
      keyId: 'k',
      privateKeyPath: '/secrets/abm.pem',
      targetServerId: 'SERVER1',
      sourceServerId: 'SERVER0',
      apiBaseUrl: undefined,
      tokenUrl: undefined,
    });
  });

  test('when the source server is set without the ABM credentials, then the worker refuses and says why', () => {
    expect(() => loadConfig({ ABM_SOURCE_SERVER_ID: 'SERVER0' })).toThrow(
      /ABM_SOURCE_SERVER_ID: needs the ABM_\* credentials/,
    );
  });
});

test('when both a Workspace ONE source and Intune are configured, then the worker refuses: one source per worker', () => {
  expect(() =>
    loadConfig({
      WS1_SOURCE_BASE_URL: 'https://as1.awmdm.com',
      WS1_SOURCE_TENANT_CODE: 'c',
      WS1_SOURCE_GROUP_ID: 'g',
      WS1_SOURCE_USERNAME: 'u',
      WS1_SOURCE_PASSWORD: 'p',
      INTUNE_TENANT_ID: 't',
      INTUNE_CLIENT_ID: 'c',
      INTUNE_CLIENT_SECRET: 's',
    }),
  ).toThrow(/INTUNE_TENANT_ID: one source per worker/);
});

describe('loadConfig and the SMTP settings', () => {
  test('when SMTP is set, then the one configuration carries it', () => {
    const config = loadConfig({
      FERRY_SMTP_HOST: 'smtp.example.test',
      FERRY_SMTP_FROM: 'ferry@example.test',
    });
    expect(config.smtp).toMatchObject({ host: 'smtp.example.test', port: 587, from: 'ferry@example.test' });
    expect(loadConfig({}).smtp).toBeUndefined();
  });

  test('when an SMTP key is wrong beside another key, then one error lists both, without the password', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        FERRY_SMTP_HOST: 'smtp.example.test',
        FERRY_SMTP_PORT: 'twenty-five',
        FERRY_SMTP_PASSWORD: 'mail-secret',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^LOG_LEVEL: /),
        'FERRY_SMTP_PORT: must be a port number',
        expect.stringMatching(/^FERRY_SMTP_USER: set both or neither/),
        'FERRY_SMTP_FROM: required',
      ]),
    );
    expect(error!.message).not.toContain('mail-secret');
  });
});

/** The problems loadConfig lists for `env` (none: it loaded). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe('unknown keys', () => {
  test('when a key under a Ferry prefix is misspelt, then the error names it and the key that was meant', () => {
    expect(
      problems({
        FERRY_TASK_QEUE: 'ferry-prod',
        WS1_TARGET_PASWORD: 'hunter2-secret',
        TEMPORAL_ADRESS: 'temporal.corp:7233',
        ABM_CLIENTID: 'BUSINESSAPI.x',
        INTUNE_TENANT: 't',
        FERRY_SMTP_HOTS: 'smtp.example.test',
      }),
    ).toEqual([
      'ABM_CLIENTID: unknown key; did you mean ABM_CLIENT_ID?',
      'FERRY_SMTP_HOTS: unknown key; did you mean FERRY_SMTP_HOST?',
      'FERRY_TASK_QEUE: unknown key; did you mean FERRY_TASK_QUEUE?',
      'INTUNE_TENANT: unknown key; did you mean INTUNE_TENANT_ID?',
      'TEMPORAL_ADRESS: unknown key; did you mean TEMPORAL_ADDRESS?',
      'WS1_TARGET_PASWORD: unknown key; did you mean WS1_TARGET_PASSWORD?',
    ]);
  });

  test('when an unknown key resembles nothing, then it is still refused, pointing at the documentation', () => {
    expect(problems({ FERRY_CONCURENCY: '10', TEMPORAL_HOST: 'temporal.corp' })).toEqual([
      'FERRY_CONCURENCY: unknown key; see docs/configuration.md for the keys Ferry reads',
      'TEMPORAL_HOST: unknown key; see docs/configuration.md for the keys Ferry reads',
    ]);
  });

  test("when Temporal's own tools' keys, the test keys or blank unknown keys are set, then nothing is refused", () => {
    expect(
      problems({
        TEMPORAL_PROFILE: 'prod',
        TEMPORAL_CONFIG_FILE: '/etc/temporal.toml',
        TEMPORAL_TLS_CLIENT_CERT_DATA: 'pem',
        TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'false',
        TEMPORAL_CODEC_ENDPOINT: 'https://codec.corp',
        TEMPORAL_GRPC_META_X_TEAM: 'it',
        TEMPORAL_CLI_ADDRESS: 'temporal.corp:7233',
        TEMPORAL_TLS_CERT: '/certs/client.pem',
        TEMPORAL_ENV: 'prod',
        FERRY_TEST_TEMPORAL_ADDRESS: '127.0.0.1:7233',
        FERRY_TEST_NAMESPACE: 'default',
        FERRY_RECORD_HISTORIES: '1',
        TEMPORAL_TEST_SERVER_PATH: '/x/temporal-test-server',
        FERRY_SMTP_HOTS: ' ',
        HOME: '/root',
        ferry_lower_case: 'x',
      }),
    ).toEqual([]);
  });

  test("when a key under Temporal's tool prefixes is within two edits of one of Ferry's, then it is a typo", () => {
    expect(problems({ TEMPORAL_CLI_PTH: '/opt/temporal' })).toEqual([
      'TEMPORAL_CLI_PTH: unknown key; did you mean TEMPORAL_CLI_PATH?',
    ]);
  });

  test('when an unknown key is set beside other problems, then its value is never shown', () => {
    const listed = problems({ WS1_TARGET_PASWORD: 'hunter2-secret', LOG_LEVEL: 'loud' });
    expect(listed.map((p) => p.split(':')[0])).toEqual(['LOG_LEVEL', 'WS1_TARGET_PASWORD']);
    expect(listed.join('\n')).not.toContain('hunter2-secret');
  });
});

describe('FERRY_DEVICE_LIST_RETENTION', () => {
  test('when it is unset or blank, then stored lists of ended migrations are kept 30 days', () => {
    expect(loadConfig({}).deviceListRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ FERRY_DEVICE_LIST_RETENTION: ' ' }).deviceListRetentionMs).toBe(30 * 86_400_000);
  });

  test('when it is a duration, then it is read as Temporal reads durations', () => {
    expect(loadConfig({ FERRY_DEVICE_LIST_RETENTION: '90 days' }).deviceListRetentionMs).toBe(
      90 * 86_400_000,
    );
    expect(loadConfig({ FERRY_DEVICE_LIST_RETENTION: '12h' }).deviceListRetentionMs).toBe(12 * 3_600_000);
  });

  test('when it is not a duration, has no unit or is zero, then the key is refused', () => {
    expect(problems({ FERRY_DEVICE_LIST_RETENTION: 'a month' })).toEqual([
      'FERRY_DEVICE_LIST_RETENTION: must be a duration longer than zero, e.g. "30 days" or "12h"',
    ]);
    expect(problems({ FERRY_DEVICE_LIST_RETENTION: '30' })).toEqual([
      'FERRY_DEVICE_LIST_RETENTION: needs a unit, e.g. "30 days" or "12h"',
    ]);
    expect(problems({ FERRY_DEVICE_LIST_RETENTION: '0d' })).toEqual([
      'FERRY_DEVICE_LIST_RETENTION: must be a duration longer than zero, e.g. "30 days" or "12h"',
    ]);
  });
});

describe('the console behind a proxy', () => {
  test('when FERRY_CONSOLE_TRUSTED_PROXIES lists addresses and ranges, then they are the proxies trusted; unset trusts none', () => {
    const config = loadConfig({ FERRY_CONSOLE_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' });
    expect(config.consoleAuth.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(loadConfig({}).consoleAuth.trustedProxies).toEqual([]);
  });

  test('when FERRY_CONSOLE_TRUSTED_PROXIES holds a name or a bad range, then the error names the key and the entry', () => {
    expect(problems({ FERRY_CONSOLE_TRUSTED_PROXIES: 'proxy.example.com,10.0.0.0/33' })).toEqual([
      expect.stringMatching(
        /^FERRY_CONSOLE_TRUSTED_PROXIES: not an IP address or CIDR range: proxy\.example\.com, 10\.0\.0\.0\/33/,
      ),
    ]);
  });

  test('when FERRY_CONSOLE_PUBLIC_URL is http:// to a host other than loopback, then it is refused (the cookies would not be Secure)', () => {
    expect(problems({ FERRY_CONSOLE_PUBLIC_URL: 'http://ferry.example.com' })).toEqual([
      expect.stringMatching(/^FERRY_CONSOLE_PUBLIC_URL: must be https:\/\//),
    ]);
    expect(loadConfig({ FERRY_CONSOLE_PUBLIC_URL: 'http://127.0.0.1:7380' }).consoleAuth.publicUrl).toBe(
      'http://127.0.0.1:7380',
    );
    expect(loadConfig({ FERRY_CONSOLE_PUBLIC_URL: 'https://ferry.example.com/' }).consoleAuth.publicUrl).toBe(
      'https://ferry.example.com',
    );
  });
});
