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
