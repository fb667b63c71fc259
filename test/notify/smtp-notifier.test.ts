import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { AndroidStagingEnrollment } from '../../src/config/android-staging';
import { createLogger } from '../../src/logger';
import type { UserNotification } from '../../src/services/mail/notifier';
import { SmtpNotifier } from '../../src/services/mail/smtp-notifier';
import { TemplateError } from '../../src/services/mail/templates';
import { startSmtpCapture } from './smtp-capture';

const TOKEN = 'RT-7F3A9C21-ZQ';
const EMAIL = 'alex.doe@example.test';
const PASSWORD = 'pw-Sup3r-S3cret';
// The shape Workspace ONE documents for its Android QR code (docs.vmware.com, "Enroll with QR Code"), with
// invented values: the staging password and the token are what must never reach a log.
const STAGING_PASSWORD = 'Stag1ng-Pa55';
const STAGING_TOKEN = 'STG7Q2M9XT';
const QR_PAYLOAD = JSON.stringify({
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME':
    'com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM':
    '6kyqxDOjgS30jvQuzh4uvHPk-0bmAD-1QU7vtW7i_o8=',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION':
    'https://getwsone.com/mobileenrollment/airwatchagent.apk',
  'android.app.extra.PROVISIONING_SKIP_ENCRYPTION': false,
  'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
    serverurl: 'cn1234.awmdm.example',
    gid: 'corp-staging',
    un: 'staging-android',
    pw: STAGING_PASSWORD,
  },
});
const STAGING: AndroidStagingEnrollment = { qrPayload: QR_PAYLOAD, enrollmentToken: STAGING_TOKEN };

type Capture = Awaited<ReturnType<typeof startSmtpCapture>>;
let smtp: Capture;
let logLines: string[];
const logger = () =>
  createLogger(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );

beforeEach(async () => {
  logLines = [];
  smtp = await startSmtpCapture({
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('unknown')) {
        return callback(Object.assign(new Error(`No such user ${address.address}`), { responseCode: 550 }));
      }
      if (address.address.startsWith('busy')) {
        return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      }
      callback();
    },
  });
});
afterEach(() => smtp.close());

const notifierFor = (
  port: number,
  extra: Record<string, unknown> = {},
  /** null: the worker declares none. */
  androidStaging: AndroidStagingEnrollment | null = STAGING,
) =>
  SmtpNotifier.create(
    { host: '127.0.0.1', port, from: 'Ferry <ferry@example.test>', supportContact: 'the IT desk', ...extra },
    { logger: logger(), timeoutMs: 2_000, androidStaging: androidStaging ?? undefined },
  );

/** The text of the QR code in a PNG, read as a phone's camera would. */
function qrText(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

const notification = (path: string, token?: string, to = EMAIL): UserNotification => ({
  to,
  serialNumber: `SN-${path}`,
  platform: path.startsWith('android') ? 'android' : 'ios',
  path,
  registrationToken: token,
});

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

function expectNothingSecret(text: string) {
  for (const secret of [TOKEN, EMAIL, PASSWORD, 'unknown.user@example.test'])
    expect(text).not.toContain(secret);
}

describe('SmtpNotifier against a loopback SMTP server', () => {
  it.each([
    ['ios_standard', /move your iPhone or iPad \(SN-ios_standard\)/, /Intelligent Hub from the App Store/],
    ['ios_ade_standard', /move your iPhone or iPad \(SN-ios_ade_standard\)/, /retires the old management/],
    ['android_token', /move your Android device \(SN-android_token\)/, /Intelligent Hub from Google Play/],
  ])(
    'when the path is %s, then the mail shows the registration token and the steps',
    async (p, subject, step) => {
      const notifier = await notifierFor(smtp.port);
      await notifier.notify(notification(p, TOKEN));
      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]!;
      expect(mail.to).toEqual([EMAIL]);
      expect(mail.subject).toMatch(subject);
      expect(mail.subject).not.toContain(TOKEN);
      expect(mail.text).toContain(`enter: ${TOKEN}`);
      expect(mail.text).toMatch(step);
      expect(mail.text).toContain('the IT desk');
      expect(mail.html).toContain(`<strong>${TOKEN}</strong>`);
      expect(logLines.join('')).not.toContain(TOKEN);
      expect(logLines.join('')).not.toContain(EMAIL);
    },
  );

  it('when the path is ios_ade_erase, then the mail says the device is reset and carries no token', async () => {
    const notifier = await notifierFor(smtp.port);
    await notifier.notify(notification('ios_ade_erase'));
    const mail = smtp.messages[0]!;
    expect(mail.subject).toMatch(/will be reset/);
    expect(mail.text).toMatch(/sets itself up/);
    expect(mail.text).toContain(`sign in with your work account (${EMAIL})`);
    expect(mail.raw).not.toMatch(/token/i);
  });

  it('when the path is ios_ade_abm_deadline, then the mail announces the iOS 26 prompt before the deadline', async () => {
    const notifier = await notifierFor(smtp.port);
    await notifier.notify(notification('ios_ade_abm_deadline'));
    expect(smtp.messages[0]!.text).toMatch(/iOS or iPadOS 26[\s\S]*prompt to migrate[\s\S]*deadline/);
    expect(smtp.messages[0]!.text).not.toMatch(/deadline set by your IT team \(/);
  });

  it('when the ABM deadline is known, then the mail gives its date in UTC', async () => {
    const notifier = await notifierFor(smtp.port);
    await notifier.notify({ ...notification('ios_ade_abm_deadline'), deadline: '2027-01-31T12:00:00.000Z' });
    expect(smtp.messages[0]!.text).toContain(
      'Before the deadline set by your IT team (31 January 2027, 12:00 UTC)',
    );
  });

  it.each([
    ['ios_standard', 'wait until your IT team retires it on 2 February 2027, 09:30 UTC.', TOKEN],
    [
      'ios_ade_standard',
      'Your IT team retires the old management profile on 2 February 2027, 09:30 UTC;',
      TOKEN,
    ],
    ['ios_ade_erase', 'your device will be reset on 2 February 2027, 09:30 UTC: everything', undefined],
    ['android_token', 'Your IT team retires the old management on 2 February 2027, 09:30 UTC (this', TOKEN],
  ])(
    'when the %s mail is told when the source acts, then text and HTML name that time in UTC',
    async (path, sentence, token) => {
      const notifier = await notifierFor(smtp.port);
      await notifier.notify({ ...notification(path, token), removalAt: '2027-02-02T09:30:00.000Z' });
      await notifier.notify(notification(path, token));
      const [timed, untimed] = smtp.messages;
      expect(timed!.text).toContain(sentence);
      expect(timed!.html).toContain(sentence);
      expect(untimed!.text).not.toContain(' on 2 February');
      expect(untimed!.text).not.toContain('{{');
    },
  );

  it('when the path is android_fully_managed, then the mail carries the staging QR code and token before the wipe', async () => {
    const notifier = await notifierFor(smtp.port);
    await notifier.notify(notification('android_fully_managed'));
    const mail = smtp.messages[0]!;
    expect(mail.subject).toMatch(/will be wiped/);
    expect(mail.subject).not.toContain(STAGING_TOKEN);
    // The QR code is inline in the HTML and the same image is the one attachment, for plain-text readers.
    expect(mail.html).toContain('<img src="cid:enrollment-qr@ferry"');
    expect(mail.attachments).toHaveLength(1);
    const [qr] = mail.attachments;
    expect(qr).toMatchObject({
      contentType: 'image/png',
      contentId: 'enrollment-qr@ferry',
      filename: 'enrollment-qr.png',
    });
    expect(qrText(qr!.content)).toBe(QR_PAYLOAD);
    expect(mail.text).toMatch(/welcome screen[\s\S]*scan the QR code in this message \(also attached/);
    expect(mail.text).toContain(
      `If you cannot scan it, enter this enrollment token when asked: ${STAGING_TOKEN}.`,
    );
    expect(mail.html).toContain(`<strong>${STAGING_TOKEN}</strong>`);
    expect(mail.text).not.toMatch(/provided by your IT team/);
    const logs = logLines.join('');
    for (const secret of [STAGING_TOKEN, STAGING_PASSWORD, 'corp-staging', EMAIL])
      expect(logs).not.toContain(secret);
  });

  it('when the staging configuration declares no token, then the mail shows the QR code alone', async () => {
    const notifier = await notifierFor(smtp.port, {}, { qrPayload: QR_PAYLOAD });
    await notifier.notify(notification('android_fully_managed'));
    const mail = smtp.messages[0]!;
    expect(qrText(mail.attachments[0]!.content)).toBe(QR_PAYLOAD);
    expect(mail.text).not.toMatch(/enrollment token/);
    expect(mail.text).not.toContain('{{');
  });

  it('when no staging enrollment is declared, then nothing is sent and the non-retryable failure names the key', async () => {
    const notifier = await notifierFor(smtp.port, {}, null);
    const failure = await failureOf(notifier.notify(notification('android_fully_managed')));
    expect(failure.type).toBe('StagingEnrollmentNotDeclared');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('FERRY_ANDROID_STAGING_QR_PAYLOAD is not set');
    expect(smtp.messages).toHaveLength(0);
  });

  it('when a path without the QR code is sent, then the mail has no attachment', async () => {
    const notifier = await notifierFor(smtp.port);
    await notifier.notify(notification('android_token', TOKEN));
    expect(smtp.messages[0]!.attachments).toEqual([]);
    expect(smtp.messages[0]!.raw).not.toContain('enrollment-qr');
  });

  it('when a token path has no token, then nothing is sent and the failure is non-retryable', async () => {
    const notifier = await notifierFor(smtp.port);
    const failure = await failureOf(notifier.notify(notification('ios_standard')));
    expect(failure.type).toBe('InvalidRequest');
    expect(failure.nonRetryable).toBe(true);
    expect(smtp.messages).toHaveLength(0);
  });

  it('when an admin override folder holds a template, then it replaces the default', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-templates-'));
    try {
      await writeFile(path.join(dir, 'ios_standard.subject.txt'), 'Contoso: migrate {{serialNumber}}\n');
      await writeFile(
        path.join(dir, 'ios_standard.txt'),
        'Ask {{supportContact}}; token: {{registrationToken}}\n',
      );
      const supportContact = 'Help & Support <it@example.test>';
      const notifier = await notifierFor(smtp.port, { templatesDir: dir, supportContact });
      await notifier.notify(notification('ios_standard', TOKEN));
      const mail = smtp.messages[0]!;
      expect(mail.subject).toBe('Contoso: migrate SN-ios_standard');
      expect(mail.text).toBe(`Ask ${supportContact}; token: ${TOKEN}\n`);
      // The default HTML is kept, with the value escaped.
      expect(mail.html).toContain(`<strong>${TOKEN}</strong>`);
      expect(mail.html).toContain('Help &amp; Support &lt;it@example.test&gt;');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when an override omits the token on a token path, then creating the notifier fails naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-templates-'));
    try {
      await writeFile(path.join(dir, 'android_token.html'), '<p>Open Hub, {{email}}</p>');
      const err = await notifierFor(smtp.port, { templatesDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).file).toBe(path.join(dir, 'android_token.html'));
      expect((err as Error).message).toContain('android_token.html');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the server rejects the mailbox with 550, then the failure is non-retryable InvalidRequest without the address', async () => {
    const notifier = await notifierFor(smtp.port);
    const failure = await failureOf(
      notifier.notify(notification('ios_standard', TOKEN, 'unknown.user@example.test')),
    );
    expect(failure.type).toBe('InvalidRequest');
    expect(failure.nonRetryable).toBe(true);
    expectNothingSecret(`${failure.message} ${JSON.stringify(failure.details)} ${failure.stack}`);
    expectNothingSecret(logLines.join(''));
  });

  it('when the server answers 451 (try later), then the failure is retryable Transient', async () => {
    const notifier = await notifierFor(smtp.port);
    const failure = await failureOf(
      notifier.notify(notification('ios_standard', TOKEN, 'busy@example.test')),
    );
    expect(failure.type).toBe('Transient');
    expect(failure.nonRetryable).toBe(false);
  });

  it('when the port is closed, then the failure is retryable Transient and free of secrets', async () => {
    const port = smtp.port;
    await smtp.close();
    const notifier = await notifierFor(port, { user: 'ferry', password: PASSWORD });
    const failure = await failureOf(notifier.notify(notification('android_token', TOKEN)));
    expect(failure.type).toBe('Transient');
    expect(failure.nonRetryable).toBe(false);
    expectNothingSecret(`${failure.message} ${failure.stack} ${logLines.join('')}`);
    smtp = await startSmtpCapture(); // for afterEach
  });

  it('when the server accepts the connection but never greets, then the timeout is retryable Transient', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const notifier = await SmtpNotifier.create(
        { host: '127.0.0.1', port: (silent.address() as AddressInfo).port, from: 'ferry@example.test' },
        { timeoutMs: 300 },
      );
      const failure = await failureOf(notifier.notify(notification('ios_ade_erase')));
      expect(failure.type).toBe('Transient');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('SmtpNotifier with authentication', () => {
  let authSmtp: Capture;
  beforeEach(async () => {
    authSmtp = await startSmtpCapture({
      authOptional: false,
      allowInsecureAuth: true, // loopback only: no TLS in the test
      onAuth(auth, _session, callback) {
        if (auth.username === 'ferry' && auth.password === PASSWORD) return callback(null, { user: 'ferry' });
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
    });
  });
  afterEach(() => authSmtp.close());

  it('when the credentials are right, then the message is accepted', async () => {
    const notifier = await notifierFor(authSmtp.port, { user: 'ferry', password: PASSWORD });
    await notifier.notify(notification('android_token', TOKEN));
    expect(authSmtp.messages).toHaveLength(1);
    expect(authSmtp.messages[0]!.text).toContain(TOKEN);
  });

  it('when the password is wrong, then the failure is non-retryable Unauthorized without the password', async () => {
    const notifier = await notifierFor(authSmtp.port, { user: 'ferry', password: `${PASSWORD}-wrong` });
    const failure = await failureOf(notifier.notify(notification('android_token', TOKEN)));
    expect(failure.type).toBe('Unauthorized');
    expect(failure.nonRetryable).toBe(true);
    expectNothingSecret(`${failure.message} ${failure.stack} ${logLines.join('')}`);
    expect(authSmtp.messages).toHaveLength(0);
  });
});
