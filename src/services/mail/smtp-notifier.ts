import { ApplicationFailure } from '@temporalio/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../logger';
import type { Notifier, UserNotification } from './notifier';
import { smtpConfigSchema, type ResolvedSmtpConfig, type SmtpConfig } from '../../config';
import {
  isNotificationPath,
  loadTemplates,
  renderTemplate,
  showsStagingQr,
  type TemplateSet,
} from './templates';
import { usesToken } from '../../workflows/device/paths';
import type { AndroidStagingEnrollment } from '../../config/android-staging';
import { stagingQrPart } from './staging-qr';
import { FailureType } from '../../workflows/failures';

export interface SmtpNotifierOptions {
  logger?: Logger;
  /** Connection, greeting and socket timeouts in milliseconds (default 30 s each). */
  timeoutMs?: number;
  /** The QR code (and token) of Android fully managed messages; without it those messages are refused. */
  androidStaging?: AndroidStagingEnrollment;
}

/** Connection-level failures: the server may answer next time. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY']);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH']);

/**
 * Sends the user's migration instructions by email, one SMTP connection per message. Failures become
 * ApplicationFailures with a stable type (`Transient` retried, `InvalidRequest`/`Unauthorized` not); their
 * messages carry the serial number and SMTP codes only: never the address, the token or the password.
 */
export class SmtpNotifier implements Notifier {
  private constructor(
    private readonly config: ResolvedSmtpConfig,
    private readonly templates: TemplateSet,
    private readonly transport: Transporter,
    private readonly logger?: Logger,
    private readonly androidStaging?: AndroidStagingEnrollment,
  ) {}

  /** Validates the settings and loads the templates (a bad override fails here, at start-up). */
  static async create(config: SmtpConfig, options: SmtpNotifierOptions = {}): Promise<SmtpNotifier> {
    const resolved = smtpConfigSchema.parse(config);
    const templates = await loadTemplates(resolved.templatesDir);
    const timeout = options.timeoutMs ?? 30_000;
    const transport = nodemailer.createTransport({
      host: resolved.host,
      port: resolved.port,
      secure: resolved.secure,
      requireTLS: resolved.requireTls ?? false,
      auth: resolved.user ? { user: resolved.user, pass: resolved.password } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // nodemailer's own logger would print the envelope (the user's address): keep it off.
      logger: false,
      debug: false,
    });
    return new SmtpNotifier(resolved, templates, transport, options.logger, options.androidStaging);
  }

  async notify(message: UserNotification): Promise<void> {
    const { serialNumber, path, registrationToken } = message;
    if (!isNotificationPath(path)) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidRequest,
        message: `no user notification for path ${path} (device ${serialNumber})`,
        nonRetryable: true,
      });
    }
    if (usesToken(path) && !registrationToken) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidRequest,
        message: `the ${path} notification for device ${serialNumber} needs a registration token`,
        nonRetryable: true,
      });
    }
    const qr = showsStagingQr(path) ? await stagingQrPart(this.androidStaging, serialNumber) : undefined;
    const mail = renderTemplate(this.templates[path], {
      ...qr?.values,
      serialNumber,
      registrationToken,
      email: message.to,
      platform: message.platform,
      deadline: message.deadline && formatDeadline(message.deadline),
      removalTime: message.removalAt && formatDeadline(message.removalAt),
      supportContact: this.config.supportContact ?? 'your IT support team',
    });
    try {
      await this.transport.sendMail({
        from: this.config.from,
        replyTo: this.config.replyTo,
        to: message.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: qr ? [qr.attachment] : undefined,
      });
    } catch (err) {
      const failure = smtpFailure(err, serialNumber);
      this.logger?.warn(
        {
          serialNumber,
          path,
          errorType: failure.type,
          smtpCode: codeOf(err),
          smtpResponseCode: responseCodeOf(err),
        },
        'user notification not sent',
      );
      throw failure;
    }
    this.logger?.info({ serialNumber, path }, 'user notified by email');
  }

  /** Closes the transport (idle connections, if any). */
  close(): void {
    this.transport.close();
  }
}

const codeOf = (err: unknown): string | undefined =>
  typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
const responseCodeOf = (err: unknown): number | undefined =>
  typeof (err as { responseCode?: unknown })?.responseCode === 'number'
    ? (err as { responseCode: number }).responseCode
    : undefined;

/**
 * The failure for a nodemailer error, decided by its SMTP reply code and error code. The original error is
 * not attached as a cause: its message quotes the server's reply, which often echoes the address.
 */
export function smtpFailure(err: unknown, serialNumber: string): ApplicationFailure {
  const code = codeOf(err);
  const responseCode = responseCodeOf(err);
  const what = `email to the user of device ${serialNumber} not sent: ${[code, responseCode].filter(Boolean).join(' ') || 'unknown error'}`;
  const fail = (type: FailureType, nonRetryable: boolean) =>
    ApplicationFailure.create({ type, message: what, nonRetryable, details: [{ code, responseCode }] });
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500)
    return fail(FailureType.Transient, false);
  if (code && AUTH_CODES.has(code)) return fail(FailureType.Unauthorized, true);
  if (responseCode !== undefined && responseCode >= 500) return fail(FailureType.InvalidRequest, true);
  if (code && TRANSIENT_CODES.has(code)) return fail(FailureType.Transient, false);
  if (code === 'EENVELOPE' || code === 'ECONFIG') return fail(FailureType.InvalidRequest, true);
  return fail(FailureType.Transient, false);
}

/** A date users read without converting time zones in their head: the day, in UTC, spelled out. */
function formatDeadline(iso: string): string {
  const date = new Date(iso);
  const day = date.toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return `${day}, ${date.toISOString().slice(11, 16)} UTC`;
}
