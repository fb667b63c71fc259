/**
 * Why a payload could not be decrypted. Messages name the key id (not a secret), never a key or the
 * payload's content.
 */

/** The payload names a key id that is not configured: the key was dropped from the list, or never given. */
export class UnknownPayloadKeyError extends Error {
  readonly type = 'UnknownPayloadKey';
  constructor(readonly keyId: string) {
    super(
      `payload encrypted with key id "${keyId}", which is not among the configured keys ` +
        '(FERRY_PAYLOAD_KEYS or FERRY_PAYLOAD_KEYS_FILE): add that key back to read it',
    );
  }
}

/** An encrypted payload that is malformed, or fails authentication (altered, or another key's). */
export class PayloadDecryptionError extends Error {
  readonly type = 'PayloadDecryption';
}
