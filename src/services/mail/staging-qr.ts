import { ApplicationFailure } from '@temporalio/common';
import QRCode from 'qrcode';
import {
  ANDROID_STAGING_ENV,
  QR_ERROR_CORRECTION,
  type AndroidStagingEnrollment,
} from '../../config/android-staging';
import { FailureType } from '../../workflows/failures';

/**
 * The Android staging QR code in a fully managed device's message: drawn from the worker's declared
 * payload at send time, attached inline (cid) so that the HTML shows it and plain-text readers find it
 * as an attachment. The payload is secret (SPEC §10): it is never logged and never in a failure.
 */

export const QR_CONTENT_ID = 'enrollment-qr@ferry';
export const QR_FILE_NAME = 'enrollment-qr.png';

/** A PNG big enough to scan from another screen or a print-out. */
export function renderStagingQr(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, {
    type: 'png',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: 4,
    width: 480,
  });
}

/** What the message of a QR path adds: the template values and the inline attachment. */
export async function stagingQrPart(staging: AndroidStagingEnrollment | undefined, serialNumber: string) {
  if (!staging) {
    // Before the wipe, and for good: a user told to "scan the QR code" without one has no way back in.
    throw ApplicationFailure.create({
      type: FailureType.StagingEnrollmentNotDeclared,
      message: `${ANDROID_STAGING_ENV.qrPayload} is not set on the worker: the user of device ${serialNumber} cannot be given the QR code`,
      nonRetryable: true,
    });
  }
  return {
    values: { qrCodeImage: `cid:${QR_CONTENT_ID}`, enrollmentToken: staging.enrollmentToken },
    attachment: {
      filename: QR_FILE_NAME,
      content: await renderStagingQr(staging.qrPayload),
      contentType: 'image/png',
      cid: QR_CONTENT_ID,
    },
  };
}
