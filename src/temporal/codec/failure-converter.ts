import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of a Ferry that encrypts payloads (named by `failureConverterPath` in
 * ../connection.ts `dataConverterFor`, so the worker also bundles it into the workflows). By default a
 * failure's message and stack trace go to the server in clear, and an activity's error can quote a device
 * or a user; `encodeCommonAttributes` moves both into a payload, which the codec then encrypts
 * (@temporalio/common `DefaultFailureConverterOptions`; docs.temporal.io/failure-converter).
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
