import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { EncryptionCodec, KEY_ID_METADATA } from '../../src/temporal/codec/encryption-codec';
import { PayloadDecryptionError, UnknownPayloadKeyError } from '../../src/temporal/codec/errors';
import { testKeys } from './keys';

const EMAIL = 'jane.doe@corp.example';
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);

describe('EncryptionCodec', () => {
  test('when payloads are encoded then decoded, then the values come back as they were', async () => {
    const codec = new EncryptionCodec(testKeys('k1'));
    const values = [{ userEmail: EMAIL, serial: 'C02X' }, 'plain text', 42, null, [1, 2, 3]];
    const decoded = await codec.decode(await codec.encode(values.map(toPayload)));
    expect(decoded.map(fromPayload)).toEqual(values);
    // The original metadata (json/plain) comes back too.
    expect(text(decoded[0]!.metadata![METADATA_ENCODING_KEY])).toBe('json/plain');
  });

  test('when payloads are encoded, then every one is binary/encrypted under the current key id and holds no plaintext', async () => {
    const codec = new EncryptionCodec(testKeys('current', 'old'));
    const encoded = await codec.encode([toPayload({ userEmail: EMAIL }), toPayload(EMAIL), toPayload('')]);
    expect(encoded).toHaveLength(3);
    for (const payload of encoded) {
      expect(Object.keys(payload.metadata!).sort()).toEqual([KEY_ID_METADATA, METADATA_ENCODING_KEY].sort());
      expect(text(payload.metadata![METADATA_ENCODING_KEY])).toBe('binary/encrypted');
      expect(text(payload.metadata![KEY_ID_METADATA])).toBe('current');
      expect(Buffer.from(payload.data!).includes(Buffer.from('jane.doe'))).toBe(false);
      expect(Buffer.from(payload.data!).includes(Buffer.from('json/plain'))).toBe(false);
    }
  });

  test('when the same value is encoded twice, then the ciphertexts differ (a fresh IV each time)', async () => {
    const codec = new EncryptionCodec(testKeys('k1'));
    const [a, b] = await codec.encode([toPayload(EMAIL), toPayload(EMAIL)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  test('when a new key becomes current and the old one is kept, then payloads of the old key still decrypt', async () => {
    const before = testKeys('k-old');
    const old = await new EncryptionCodec(before).encode([toPayload({ userEmail: EMAIL })]);
    const rotated = {
      current: 'k-new',
      keys: new Map([...testKeys('k-new').keys, ...before.keys]),
    };
    const codec = new EncryptionCodec(rotated);
    expect((await codec.decode(old)).map(fromPayload)).toEqual([{ userEmail: EMAIL }]);
    const fresh = await codec.encode([toPayload(1)]);
    expect(text(fresh[0]!.metadata![KEY_ID_METADATA])).toBe('k-new');
  });

  test('when a payload names a key id that is not configured, then decoding fails naming the id', async () => {
    const encoded = await new EncryptionCodec(testKeys('k-gone')).encode([toPayload(EMAIL)]);
    const codec = new EncryptionCodec(testKeys('k-other'));
    const failure = codec.decode(encoded);
    await expect(failure).rejects.toBeInstanceOf(UnknownPayloadKeyError);
    await expect(failure).rejects.toMatchObject({ type: 'UnknownPayloadKey', keyId: 'k-gone' });
    await expect(failure).rejects.toThrow(/"k-gone"/);
  });

  test('when a byte of the ciphertext, IV or tag is changed, then decoding fails instead of returning altered data', async () => {
    const codec = new EncryptionCodec(testKeys('k1'));
    const [payload] = await codec.encode([toPayload({ userEmail: EMAIL })]);
    const length = payload!.data!.length;
    for (const at of [0, 12, Math.floor(length / 2), length - 1]) {
      const data = Buffer.from(payload!.data!);
      data[at] = data[at]! ^ 0x01;
      await expect(codec.decode([{ ...payload, data }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    }
    const truncated = { ...payload, data: payload!.data!.subarray(0, 20) };
    await expect(codec.decode([truncated])).rejects.toMatchObject({ type: 'PayloadDecryption' });
  });

  test('when a payload was encrypted with another key under the same id, then decoding fails', async () => {
    const [payload] = await new EncryptionCodec(testKeys('k1')).encode([toPayload(EMAIL)]);
    await expect(new EncryptionCodec(testKeys('k1')).decode([payload!])).rejects.toBeInstanceOf(
      PayloadDecryptionError,
    );
  });

  test('when payloads were written before encryption was on, then they pass through untouched', async () => {
    const codec = new EncryptionCodec(testKeys('k1'));
    const plain = [
      toPayload({ userEmail: EMAIL }),
      toPayload(undefined),
      { metadata: {}, data: new Uint8Array() },
    ];
    const decoded = await codec.decode(plain);
    expect(decoded).toEqual(plain);
    expect(decoded[0]).toBe(plain[0]);
  });

  test('when an encrypted payload lacks its key id, then decoding fails with a named error', async () => {
    const codec = new EncryptionCodec(testKeys('k1'));
    const [payload] = await codec.encode([toPayload(EMAIL)]);
    const metadata = { [METADATA_ENCODING_KEY]: payload!.metadata![METADATA_ENCODING_KEY]! };
    await expect(codec.decode([{ metadata, data: payload!.data }])).rejects.toMatchObject({
      type: 'PayloadDecryption',
    });
  });
});
