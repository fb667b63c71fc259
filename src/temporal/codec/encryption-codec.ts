import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeys } from '../../config/payload-keys';
import { decrypt, encrypt } from './aes-gcm';
import { PayloadDecryptionError, UnknownPayloadKeyError } from './errors';

/**
 * Ferry's payload codec: every payload leaves the worker or the CLI encrypted with AES-256-GCM under the
 * current key, so the Temporal server stores no user email, device detail or error message in clear.
 *
 * The conventions are those of Temporal's encryption samples (samples-typescript `encryption/src/
 * encryption-codec.ts`, samples-go `encryption/codec.go`, samples-python `encryption/codec.py`): the
 * encoding metadata `binary/encrypted`, the key id in `encryption-key-id`, and as plaintext the whole
 * original payload (metadata and data) serialized as a `temporal.api.common.v1.Payload`. Ferry serializes
 * with `Payload.encode`, as the Go and Python samples do (the TypeScript sample uses the length-delimited
 * form). Decoding reads the key id from the payload, so payloads written under an older key stay readable
 * while that key is configured, and payloads written before any key was configured pass through as they
 * are.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const text = (bytes: Uint8Array | null | undefined) =>
  bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : undefined;

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly currentKey: Buffer;

  constructor(private readonly keys: PayloadKeys) {
    const current = keys.keys.get(keys.current);
    if (!current) throw new UnknownPayloadKeyError(keys.current);
    this.currentKey = current;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8(this.keys.current),
      },
      data: encrypt(temporal.api.common.v1.Payload.encode(payload).finish(), this.currentKey),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypted(payload) : payload));
  }

  private decrypted(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadDecryptionError(`encrypted payload without an ${KEY_ID_METADATA}`);
    const key = this.keys.keys.get(keyId);
    if (!key) throw new UnknownPayloadKeyError(keyId);
    let plaintext: Buffer;
    try {
      plaintext = decrypt(payload.data ?? new Uint8Array(), key);
    } catch (err) {
      throw new PayloadDecryptionError(
        `payload with key id "${keyId}" cannot be decrypted (altered, or encrypted with another key): ${(err as Error).message}`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }
}
