import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  loadTemplates,
  NOTIFICATION_PATHS,
  renderTemplate,
  TemplateError,
} from '../../src/services/mail/templates';
import { usesToken } from '../../src/workflows/device/paths';

const TOKEN = 'RT-7F3A9C21-ZQ';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-templates-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function loadError(files: Record<string, string>): Promise<TemplateError> {
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  const err = await loadTemplates(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemplateError);
  return err as TemplateError;
}

describe('notification templates', () => {
  it('when no folder is given, then every path has a subject, text and HTML, and token paths show the token', async () => {
    const templates = await loadTemplates();
    for (const p of NOTIFICATION_PATHS) {
      const mail = renderTemplate(templates[p], {
        serialNumber: 'SN1',
        registrationToken: TOKEN,
        email: 'a@b.c',
      });
      expect(mail.subject).toContain('SN1');
      expect(mail.subject).not.toContain(TOKEN);
      expect(mail.text).not.toMatch(/\{\{/);
      expect(mail.html).not.toMatch(/\{\{/);
      if (usesToken(p)) expect(mail.text).toContain(TOKEN);
    }
  });

  it('when the source retires or wipes the device, then every such path names the time, and only with a value', async () => {
    const templates = await loadTemplates();
    const when = '2 February 2027, 09:30 UTC';
    for (const p of NOTIFICATION_PATHS.filter((x) => x !== 'ios_ade_abm_deadline')) {
      const values = { serialNumber: 'SN1', registrationToken: TOKEN, email: 'a@b.c' };
      const timed = renderTemplate(templates[p], { ...values, removalTime: when });
      expect({ p, text: timed.text.includes(` on ${when}`) }).toEqual({ p, text: true });
      expect({ p, html: timed.html.includes(` on ${when}`) }).toEqual({ p, html: true });
      expect(renderTemplate(templates[p], values).text).not.toMatch(/ on \{|\{\{/);
    }
  });

  it('when the source retires or wipes the device, then every such path names the time, and only with a value', async () => {
    const templates = await loadTemplates();
    const when = '2 February 2027, 09:30 UTC';
    for (const p of NOTIFICATION_PATHS.filter((x) => x !== 'ios_ade_abm_deadline')) {
      const values = { serialNumber: 'SN1', registrationToken: TOKEN, email: 'a@b.c' };
      const timed = renderTemplate(templates[p], { ...values, removalTime: when });
      expect({ p, text: timed.text.includes(` on ${when}`) }).toEqual({ p, text: true });
      expect({ p, html: timed.html.includes(` on ${when}`) }).toEqual({ p, html: true });
      expect(renderTemplate(templates[p], values).text).not.toMatch(/ on \{|\{\{/);
    }
  });

  it('when a value holds HTML or template syntax, then HTML escapes it and nothing re-reads it', async () => {
    const templates = await loadTemplates();
    const values = {
      serialNumber: '<b>"x"</b>',
      registrationToken: '{{supportContact}}&',
      supportContact: 'IT',
    };
    const mail = renderTemplate(templates.ios_standard, values);
    expect(mail.html).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(mail.html).toContain('<strong>{{supportContact}}&amp;</strong>');
    expect(mail.text).toContain('enter: {{supportContact}}&');
  });

  it('when a value holds a line break, then the subject stays on one line', () => {
    const mail = renderTemplate(
      { subject: 'Device {{serialNumber}}', text: 't', html: 'h' },
      { serialNumber: 'A\r\nBcc: x' },
    );
    expect(mail.subject).toBe('Device A Bcc: x');
  });

  it('when an override uses an unknown placeholder, then loading fails naming the file and the placeholder', async () => {
    const err = await loadError({ 'ios_ade_erase.txt': 'Hello {{firstName}}' });
    expect(err.file).toBe(path.join(dir, 'ios_ade_erase.txt'));
    expect(err.message).toContain('{{firstName}}');
  });

  it('when a token-path override omits the token, then loading fails naming the file', async () => {
    const err = await loadError({ 'ios_standard.txt': 'Open Hub and sign in, {{email}}.' });
    expect(err.file).toBe(path.join(dir, 'ios_standard.txt'));
    expect(err.message).toContain('{{registrationToken}}');
  });

  it('when a subject override shows the token, then loading fails naming the file', async () => {
    const err = await loadError({ 'android_token.subject.txt': 'Your token {{registrationToken}}' });
    expect(err.file).toBe(path.join(dir, 'android_token.subject.txt'));
  });

  it('when an android_fully_managed HTML override leaves out the QR code, then loading fails naming the file', async () => {
    const err = await loadError({ 'android_fully_managed.html': '<p>Scan the QR code, {{email}}.</p>' });
    expect(err.file).toBe(path.join(dir, 'android_fully_managed.html'));
    expect(err.message).toContain('{{qrCodeImage}}');
  });

  it('when an android_fully_managed HTML override shows the QR code, then it renders with the image address', async () => {
    await writeFile(
      path.join(dir, 'android_fully_managed.html'),
      '<img src="{{qrCodeImage}}">{{#enrollmentToken}} or {{enrollmentToken}}{{/enrollmentToken}}',
    );
    const templates = await loadTemplates(dir);
    expect(
      renderTemplate(templates.android_fully_managed, {
        qrCodeImage: 'cid:enrollment-qr@ferry',
        enrollmentToken: 'STG7Q2',
      }).html,
    ).toBe('<img src="cid:enrollment-qr@ferry"> or STG7Q2');
  });

  it('when a subject override shows the enrollment token, then loading fails naming the file', async () => {
    const err = await loadError({ 'android_fully_managed.subject.txt': 'Token {{enrollmentToken}}' });
    expect(err.file).toBe(path.join(dir, 'android_fully_managed.subject.txt'));
  });

  it('when a section is not closed, then loading fails naming the file', async () => {
    const err = await loadError({
      'android_fully_managed.html': '<p>{{#registrationToken}}{{registrationToken}}</p>',
    });
    expect(err.file).toBe(path.join(dir, 'android_fully_managed.html'));
  });

  it('when a file is no known template (a typo in the path), then loading fails naming the file', async () => {
    const err = await loadError({ 'ios_standrad.txt': '{{registrationToken}}' });
    expect(err.file).toBe(path.join(dir, 'ios_standrad.txt'));
  });

  it('when the folder does not exist, then loading fails naming it', async () => {
    const missing = path.join(dir, 'nope');
    const err = await loadTemplates(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).file).toBe(missing);
  });

  it('when a section override is valid, then its content appears only with a value', async () => {
    await writeFile(
      path.join(dir, 'android_fully_managed.txt'),
      'Scan the QR.{{#registrationToken}} Or: {{registrationToken}}{{/registrationToken}}',
    );
    const templates = await loadTemplates(dir);
    expect(renderTemplate(templates.android_fully_managed, {}).text).toBe('Scan the QR.');
    expect(renderTemplate(templates.android_fully_managed, { registrationToken: TOKEN }).text).toBe(
      `Scan the QR. Or: ${TOKEN}`,
    );
  });
});
