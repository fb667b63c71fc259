import type { Logger } from '../../logger';
import type { Platform } from '../../workflows/device/messages';

/** What the end user is told when the migration of their device starts (or on re-notify). */
export interface UserNotification {
  to: string;
  serialNumber: string;
  platform: Platform;
  path: string;
  /** The registration token, on token paths; sensitive: never logged, never stored in history. */
  registrationToken?: string;
  /** ABM-deadline path: when the device moves by itself (ISO date-time). */
  deadline?: string;
  /** When the source retires or wipes the device (ISO date-time); absent where Ferry sends no command. */
  removalAt?: string;
}

export interface Notifier {
  notify(message: UserNotification): Promise<void>;
}

/**
 * Records that a user would be notified, without the address or the token (pino redacts both).
 * The default until an SMTP notifier is configured.
 */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}
  async notify(message: UserNotification): Promise<void> {
    this.logger.info(
      {
        serialNumber: message.serialNumber,
        platform: message.platform,
        path: message.path,
        email: message.to,
      },
      'user notification (log only: no mail transport configured)',
    );
  }
}
