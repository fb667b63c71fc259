import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** The SMTP part of the one configuration. */
const smtpConfigFromEnv = (env: Record<string, string>) => loadConfig(env).smtp;

const SECRET = 'pw-Sup3r-S3cret';

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

/** A templates folder holding `files`. */
function templatesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-config-templates-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const MAIL = { FERRY_SMTP_HOST: 'smtp.example.test', FERRY_SMTP_FROM: 'ferry@example.test' };

describe('the SMTP settings of loadConfig', () => {
  it('when FERRY_SMTP_HOST is unset, then there is no SMTP config', () => {
    expect(smtpConfigFromEnv({})).toBeUndefined();
    expect(smtpConfigFromEnv({ FERRY_SMTP_HOST: '  ', FERRY_SMTP_FROM: '' })).toBeUndefined();
  });

  it('when mail keys are set without FERRY_SMTP_HOST, then the host is required and every bad value named', () => {
    // Without a host the worker would log the users' emails instead of sending them.
    expect(problems({ FERRY_SMTP_FROM: 'ferry@example.test', FERRY_SMTP_PORT: 'x' })).toEqual([
      'FERRY_SMTP_HOST: required with FERRY_SMTP_PORT, FERRY_SMTP_FROM (without it no email is sent)',
      'FERRY_SMTP_PORT: must be a port number',
    ]);
    expect(problems({ FERRY_SUPPORT_CONTACT: 'the IT desk' })).toEqual([
      'FERRY_SMTP_HOST: required with FERRY_SUPPORT_CONTACT (without it no email is sent)',
    ]);
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
    const templates = templatesDir({ 'ios_standard.subject.txt': 'Your new device management' });
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
      FERRY_TEMPLATES_DIR: templates,
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
      templatesDir: templates,
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

describe('FERRY_TEMPLATES_DIR in loadConfig', () => {
  it('when the folder does not exist or is a file, then the key is named before anything connects', () => {
    expect(problems({ ...MAIL, FERRY_TEMPLATES_DIR: '/no/such/ferry-templates' })).toEqual([
      'FERRY_TEMPLATES_DIR: cannot read the templates folder /no/such/ferry-templates (no such folder)',
    ]);
    const dir = templatesDir({ 'x.txt': 'x' });
    expect(problems({ ...MAIL, FERRY_TEMPLATES_DIR: path.join(dir, 'x.txt') })).toEqual([
      `FERRY_TEMPLATES_DIR: cannot read the templates folder ${path.join(dir, 'x.txt')} (not a folder)`,
    ]);
  });

  it('when the folder is empty, then it is an error: an unmounted volume would send the defaults unnoticed', () => {
    const dir = templatesDir({});
    mkdirSync(path.join(dir, 'sub'));
    expect(problems({ ...MAIL, FERRY_TEMPLATES_DIR: dir })).toEqual([
      `FERRY_TEMPLATES_DIR: ${dir} holds no templates`,
    ]);
  });

  it('when a template is unknown, broken or a symbolic link, then each file is named with its problem', () => {
    const dir = templatesDir({
      'ios_standard.subject.txt': 'Hello {{nope}}',
      'android_token.txt': 'No token here',
      'readme.md': 'notes',
      '.hidden': 'ignored',
      'ios_ade_erase.html': '<p>{{serialNumber}}</p>',
    });
    symlinkSync(path.join(dir, 'ios_ade_erase.html'), path.join(dir, 'ios_ade_standard.html'));
    expect(problems({ ...MAIL, FERRY_TEMPLATES_DIR: dir })).toEqual([
      `FERRY_TEMPLATES_DIR: ${path.join(dir, 'ios_ade_standard.html')} is a symbolic link; the notifier reads regular files only`,
      expect.stringMatching(
        /^FERRY_TEMPLATES_DIR: .*android_token\.txt: must show \{\{registrationToken\}\}/,
      ),
      expect.stringMatching(
        /^FERRY_TEMPLATES_DIR: .*ios_standard\.subject\.txt: unknown placeholder \{\{nope\}\}/,
      ),
      expect.stringMatching(/^FERRY_TEMPLATES_DIR: .*readme\.md is not a template \(<path>\.subject\.txt/),
    ]);
  });
});
