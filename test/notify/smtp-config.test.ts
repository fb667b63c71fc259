import { loadConfig } from '../../src/config';

/** The SMTP part of the one configuration. */
const smtpConfigFromEnv = (env: Record<string, string>) => loadConfig(env).smtp;

const SECRET = 'pw-Sup3r-S3cret';

describe('the SMTP settings of loadConfig', () => {
  it('when FERRY_SMTP_HOST is unset, then there is no SMTP config', () => {
    expect(smtpConfigFromEnv({ FERRY_SMTP_FROM: 'ferry@example.test' })).toBeUndefined();
    expect(smtpConfigFromEnv({ FERRY_SMTP_HOST: '  ' })).toBeUndefined();
  });

  it('when only host and from are set, then the port is 587 without implicit TLS', () => {
    expect(
      smtpConfigFromEnv({ FERRY_SMTP_HOST: 'smtp.example.test', FERRY_SMTP_FROM: 'ferry@example.test' }),
    ).toEqual({
      host: 'smtp.example.test',
      port: 587,
      secure: false,
      from: 'ferry@example.test',
    });
  });

  it('when every key is set, then each lands in its field', () => {
    const config = smtpConfigFromEnv({
      FERRY_SMTP_HOST: 'smtp.example.test',
      FERRY_SMTP_PORT: '465',
      FERRY_SMTP_SECURE: 'true',
      FERRY_SMTP_REQUIRE_TLS: 'no',
      FERRY_SMTP_USER: 'ferry',
      FERRY_SMTP_PASSWORD: SECRET,
      FERRY_SMTP_FROM: 'IT <it@example.test>',
      FERRY_SMTP_REPLY_TO: 'help@example.test',
      FERRY_SUPPORT_CONTACT: 'the IT desk, ext. 4242',
      FERRY_TEMPLATES_DIR: '/etc/ferry/templates',
    });
    expect(config).toEqual({
      host: 'smtp.example.test',
      port: 465,
      secure: true,
      requireTls: false,
      user: 'ferry',
      password: SECRET,
      from: 'IT <it@example.test>',
      replyTo: 'help@example.test',
      supportContact: 'the IT desk, ext. 4242',
      templatesDir: '/etc/ferry/templates',
    });
  });

  it('when values are wrong, then the error names every key and no value', () => {
    let message = '';
    try {
      smtpConfigFromEnv({
        FERRY_SMTP_HOST: 'smtp.example.test',
        FERRY_SMTP_PORT: 'not-a-port',
        FERRY_SMTP_SECURE: SECRET,
        FERRY_SMTP_PASSWORD: SECRET,
      });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const key of ['FERRY_SMTP_PORT', 'FERRY_SMTP_SECURE', 'FERRY_SMTP_FROM', 'FERRY_SMTP_USER']) {
      expect(message).toContain(key);
    }
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('not-a-port');
  });

  it('when the port is out of range, then the error names FERRY_SMTP_PORT', () => {
    expect(() =>
      smtpConfigFromEnv({
        FERRY_SMTP_HOST: 'h',
        FERRY_SMTP_FROM: 'f@example.test',
        FERRY_SMTP_PORT: '70000',
      }),
    ).toThrow(/FERRY_SMTP_PORT/);
  });
});
