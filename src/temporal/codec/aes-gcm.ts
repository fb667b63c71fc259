import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM over one buffer, laid out as `IV (12 bytes) | ciphertext | auth tag (16 bytes)`: the layout
 * of Temporal's encryption samples (Go's `gcm.Seal` after the nonce, WebCrypto's output in the TypeScript
 * sample's crypto.ts, Python's AESGCM), so their codec servers can read Ferry's payloads and back. A fresh
 * random IV per call: with GCM, reusing an IV under one key gives the key stream away.
 */

const ALGORITHM = 'aes-256-gcm';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export function encrypt(plaintext: Uint8Array, key: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Throws when the data is too short, or was not encrypted with `key`, or was altered since. */
export function decrypt(data: Uint8Array, key: Buffer): Buffer {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('too short to hold an IV and an auth tag');
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]);
}
